// Small behaviours every page may use, kept out of the HTML (the CSP forbids inline code).
// A button with data-print prints the page (print.css lays it out for A4).
document.addEventListener("click", (event) => {
  const trigger = event.target.closest("[data-print]");
  if (trigger) {
    event.preventDefault();
    window.print();
  }
});
