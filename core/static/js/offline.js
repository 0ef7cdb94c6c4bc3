/* Offline on a phone: forms marked data-offline are queued while there is no connection
   and sent, each once, when it returns (see core/offline.py). */
(function () {
  "use strict";

  var DB_NAME = "butler-offline";
  var STORE = "submissions";
  var body = document.body;
  var banner = document.getElementById("offline-banner");
  var user = body.getAttribute("data-user") || "";
  var sending = false;

  if ("serviceWorker" in navigator && body.getAttribute("data-service-worker")) {
    navigator.serviceWorker.register(body.getAttribute("data-service-worker"), { scope: "/" })
      .catch(function () { /* the page works without it */ });
    if (!user && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage("forget-pages");
    }
  }

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && result.result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function mine() {
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (all) {
      return (all || []).filter(function (item) { return item.user === user; })
        .sort(function (a, b) { return a.queuedAt - b.queuedAt; });
    });
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function say(state, count) {
    if (!banner) { return; }
    var text = "";
    if (state === "offline") {
      text = banner.getAttribute("data-offline");
      if (count) { text += " · " + waiting(count); }
    } else if (state === "waiting") {
      text = waiting(count);
    } else if (state === "login") {
      text = banner.getAttribute("data-login");
    } else if (state === "refused") {
      text = banner.getAttribute("data-refused").replace("%(num)s", count);
    } else if (state === "sent") {
      text = banner.getAttribute("data-sent").replace("%(num)s", count);
    }
    banner.textContent = text;
    banner.hidden = !text;
    banner.className = "offline-banner offline-" + state;
  }

  function waiting(count) {
    var template = banner.getAttribute(count === 1 ? "data-waiting-one" : "data-waiting-many");
    return template.replace("%(num)s", count);
  }

  function refresh() {
    return mine().then(function (items) {
      var pending = items.filter(function (item) { return !item.refused; });
      if (!navigator.onLine) {
        say("offline", pending.length);
      } else if (pending.length) {
        say("waiting", pending.length);
      } else if (items.length) {
        say("refused", items.length);
      } else if (banner && !banner.classList.contains("offline-sent")) {
        say("", 0);
      }
      return items;
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-offline]") || navigator.onLine) { return; }
    // Before htmx or the browser try a network that is not there.
    event.preventDefault();
    event.stopImmediatePropagation();
    var entries = [];
    new FormData(form, event.submitter || undefined).forEach(function (value, name) {
      entries.push([name, value]);
    });
    var item = {
      key: newKey(),
      url: form.action,
      entries: entries,
      user: user,
      label: form.getAttribute("data-offline"),
      queuedAt: Date.now()
    };
    withStore("readwrite", function (store) { return store.put(item); }).then(function () {
      form.reset();
      var details = form.closest("details");
      if (details) { details.open = false; }
      refresh();
    });
  }, true);

  function send() {
    if (sending || !navigator.onLine) { return; }
    sending = true;
    var sent = 0;
    mine().then(function (items) {
      var chain = Promise.resolve();
      items.filter(function (item) { return !item.refused; }).forEach(function (item) {
        chain = chain.then(function () { return deliver(item); }).then(function (outcome) {
          if (outcome === "sent") { sent += 1; }
          if (outcome === "login") { throw new Error("login"); }
        });
      });
      return chain;
    }).then(function () {
      return refresh();
    }).then(function (left) {
      if (sent && !left.length) { say("sent", sent); }
    }).catch(function (error) {
      if (error && error.message === "login") { say("login", 0); } else { refresh(); }
    }).then(function () { sending = false; });
  }

  function deliver(item) {
    var data = new FormData();
    item.entries.forEach(function (entry) { data.append(entry[0], entry[1]); });
    return fetch(item.url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Idempotency-Key": item.key }
    }).then(function (response) {
      var login = body.getAttribute("data-login-url");
      if (login && new URL(response.url).pathname === login) { return "login"; }
      if (response.ok || response.headers.get("X-Butler-Duplicate")) {
        return withStore("readwrite", function (store) { return store.delete(item.key); })
          .then(function () { return "sent"; });
      }
      if (response.status >= 400 && response.status < 500) {
        // The server refused the form (a message next to a field): keep it for a person.
        item.refused = response.status;
        return withStore("readwrite", function (store) { return store.put(item); })
          .then(function () { return "refused"; });
      }
      return "later";
    }, function () { return "later"; });
  }

  window.addEventListener("online", send);
  window.addEventListener("offline", refresh);
  refresh().then(send);
})();
