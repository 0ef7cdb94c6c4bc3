/* A signature pad: a finger (or a mouse) draws on the canvas #signature-pad, and the
   drawing goes with the form as a PNG data URL in the hidden field #signature; the button
   #signature-clear wipes it. The canvas stays transparent where nothing is drawn: the
   server looks for ink (core/signatures.py). */
(function () {
  "use strict";

  var canvas = document.getElementById("signature-pad");
  var field = document.getElementById("signature");
  var clear = document.getElementById("signature-clear");
  if (!canvas || !field) { return; }
  var pen = canvas.getContext("2d");
  var drawing = false;
  var inked = false;

  function point(event) {
    var box = canvas.getBoundingClientRect();
    return {
      x: (event.clientX - box.left) * (canvas.width / box.width),
      y: (event.clientY - box.top) * (canvas.height / box.height)
    };
  }

  function start(event) {
    event.preventDefault();
    drawing = true;
    canvas.setPointerCapture(event.pointerId);
    var p = point(event);
    pen.lineWidth = 2.5;
    pen.lineCap = "round";
    pen.strokeStyle = "#000";
    pen.beginPath();
    pen.moveTo(p.x, p.y);
  }

  function move(event) {
    if (!drawing) { return; }
    event.preventDefault();
    var p = point(event);
    pen.lineTo(p.x, p.y);
    pen.stroke();
    inked = true;
  }

  function stop() {
    if (!drawing) { return; }
    drawing = false;
    if (inked) { field.value = canvas.toDataURL("image/png"); }
  }

  canvas.addEventListener("pointerdown", start);
  canvas.addEventListener("pointermove", move);
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);
  canvas.addEventListener("pointerleave", stop);
  if (clear) {
    clear.addEventListener("click", function () {
      pen.clearRect(0, 0, canvas.width, canvas.height);
      field.value = "";
      inked = false;
    });
  }
}());
