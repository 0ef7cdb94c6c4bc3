/* Butler's service worker: keeps the app shell, and the pages marked for offline use. */
"use strict";

var SHELL_CACHE = "butler-shell-v1";
var PAGE_CACHE = "butler-pages-v1";
var SHELL = {{ shell|safe }};
var OFFLINE_PAGE = {{ offline_page|tojson }};

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE).then(function (cache) {
      return cache.addAll(SHELL.concat([OFFLINE_PAGE]));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name !== SHELL_CACHE && name !== PAGE_CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("message", function (event) {
  // After logging out, nothing of the last user's pages stays on the phone.
  if (event.data === "forget-pages") {
    caches.delete(PAGE_CACHE);
  }
});

function keepable(response) {
  var store = (response.headers.get("Cache-Control") || "").indexOf("no-store") === -1;
  return response.ok && store && response.headers.get("X-Butler-Offline") === "keep";
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) {
    return;
  }
  if (SHELL.indexOf(new URL(request.url).pathname) !== -1) {
    event.respondWith(
      caches.match(request).then(function (kept) { return kept || fetch(request); })
    );
    return;
  }
  if (request.mode !== "navigate") {
    return;
  }
  event.respondWith(
    fetch(request).then(function (response) {
      if (keepable(response)) {
        var copy = response.clone();
        caches.open(PAGE_CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.open(PAGE_CACHE).then(function (cache) {
        return cache.match(request);
      }).then(function (kept) {
        return kept || caches.match(OFFLINE_PAGE);
      });
    })
  );
});
