// The check-in page's service worker, served as /admin/checkin-sw.js and registered with the
// scope of one event's check-in page (/admin/events/<slug>/checkin), so that the page opens
// when the venue's network is down. It keeps exactly that page and the site's static files,
// nothing else: other admin pages are outside its scope, and even inside it only the page
// itself (no search, no POST answer) is kept. The door list lives in IndexedDB (checkin.js),
// not here. A sign-out (Clear-Site-Data) removes this worker and its cache with the rest.
"use strict";

var scopePath = new URL(self.registration.scope).pathname;
var staticPath = new URL("../static/", self.location.href).pathname;
var CACHE = "events-door:" + scopePath;
var NETWORK_WAIT = 4000;

function isPage(url) {
  return url.origin === self.location.origin && url.pathname === scopePath && !url.search;
}

function isAsset(url) {
  return url.origin === self.location.origin && url.pathname.indexOf(staticPath) === 0;
}

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

// The page says what it needs to open offline: itself and its static files.
self.addEventListener("message", function (event) {
  var urls = (event.data && event.data.keep) || [];
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (raw) {
      var url = new URL(raw, self.location.href);
      if (!isPage(url) && !isAsset(url)) {
        return null;
      }
      return fetch(url.href, { credentials: "same-origin", redirect: "error" }).then(function (response) {
        return response.ok ? cache.put(isPage(url) ? scopePath : url.href, response) : null;
      }).catch(function () {
        return null;
      });
    }));
  }));
});

function withTimeout(promise) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () {
      reject(new Error("network too slow"));
    }, NETWORK_WAIT);
    promise.then(function (value) {
      clearTimeout(timer);
      resolve(value);
    }, function (error) {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function page(request, url) {
  return caches.open(CACHE).then(function (cache) {
    return withTimeout(fetch(request)).then(function (response) {
      if (response.type === "opaqueredirect" || response.redirected) {
        // Signed out: the sign-in page, and this device keeps no copy of the door.
        return cache.delete(scopePath).then(function () {
          return response;
        });
      }
      if (response.ok && isPage(url)) {
        cache.put(scopePath, response.clone());
      }
      return response;
    }).catch(function () {
      return cache.match(scopePath).then(function (kept) {
        return kept || Response.error();
      });
    });
  });
}

function asset(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (kept) {
      return kept || fetch(request).then(function (response) {
        if (response.ok) {
          cache.put(request, response.clone());
        }
        return response;
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  var url = new URL(request.url);
  if (request.mode === "navigate") {
    if (url.origin === self.location.origin && url.pathname === scopePath) {
      event.respondWith(page(request, url));
    }
    return;
  }
  if (isAsset(url)) {
    event.respondWith(asset(request));
  }
});
