// The check-in page at the door, kept working when the venue's network drops. Progressive
// enhancement: without this script the page's forms post to the server as before.
//
// - The event's door list (codes, names, organisations, who is in) is kept in IndexedDB and
//   refreshed from door.json while online; a typed or scanned code is checked against it at
//   once, online or not, and the check-in is queued with an id drawn here.
// - The queue is sent in batches to /sync when the network allows; the server answers each
//   check-in by its id, so a batch sent twice counts once. Each sync reports this device's
//   name and how many check-ins it still holds, which the page shows the organiser.
// - A service worker (/admin/checkin-sw.js, scoped to this page) keeps the page and its
//   static files, so it opens offline too.
// - "Scan" reads QR codes with the camera: BarcodeDetector where the browser has one, the
//   vendored jsQR elsewhere; a decoded code is submitted exactly like a typed one.
// - The door list is forgotten when the server says this browser is signed out, and after
//   the event (keep_until); signing out clears the site's storage (Clear-Site-Data).
(function () {
  "use strict";
  var root = document.querySelector("[data-door]");
  var messagesNode = document.getElementById("door-messages");
  if (!root || !messagesNode || !window.indexedDB || !window.fetch || !window.Promise) {
    return;
  }
  var M = JSON.parse(messagesNode.textContent);
  var slug = root.dataset.door;
  var form = document.querySelector("form.door-code");
  var field = document.getElementById("door-code");
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var statusLine = document.getElementById("door-sync");
  var ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
  var SYNC_EVERY = 15000;
  var REFRESH_EVERY = 60000;
  var BATCH = 200;
  var list = null; // {slug, title, keep_until, loaded_at, attendees: {CODE: entry}}
  var device = null; // {id, name}
  var lastSync = null;
  var syncing = null;
  var signedOut = false;

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? String(values[key]) : all;
    });
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  // As registration/checkin_codes.py normalise_code: case, spaces and dashes forgiven.
  function normalise(raw) {
    if (raw.length > 40) {
      return null;
    }
    var code = raw.replace(/[ \-_\t.]/g, "").toUpperCase();
    if (code.length !== 8) {
      return null;
    }
    for (var i = 0; i < code.length; i += 1) {
      if (ALPHABET.indexOf(code[i]) < 0) {
        return null;
      }
    }
    return code;
  }

  // ---- IndexedDB: "lists" (one door list per event), "queue" (check-ins not yet sent),
  // "meta" (this device's id and name).
  var dbPromise = new Promise(function (resolve, reject) {
    var open = indexedDB.open("events-door", 1);
    open.onupgradeneeded = function () {
      var db = open.result;
      db.createObjectStore("lists", { keyPath: "slug" });
      db.createObjectStore("queue", { keyPath: "id" }).createIndex("slug", "slug");
      db.createObjectStore("meta");
    };
    open.onsuccess = function () {
      resolve(open.result);
    };
    open.onerror = function () {
      reject(open.error);
    };
  });

  function store(name, mode, work) {
    return dbPromise.then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name, mode);
        var result = work(tx.objectStore(name));
        tx.oncomplete = function () {
          resolve(result && "result" in result ? result.result : result);
        };
        tx.onerror = function () {
          reject(tx.error);
        };
      });
    });
  }

  function queued() {
    return store("queue", "readonly", function (s) {
      return s.index("slug").getAll(slug);
    }).then(function (items) {
      return items.sort(function (a, b) {
        return a.at < b.at ? -1 : 1;
      });
    });
  }

  function saveList() {
    return list ? store("lists", "readwrite", function (s) {
      s.put(list);
    }) : Promise.resolve();
  }

  function loadDevice() {
    return store("meta", "readonly", function (s) {
      return s.get("device");
    }).then(function (found) {
      if (found) {
        device = found;
        return;
      }
      var id = newId();
      device = { id: id, name: fill(M.default_device, { id: id.slice(0, 4).toUpperCase() }) };
      return store("meta", "readwrite", function (s) {
        s.put(device, "device");
      });
    });
  }

  // ---- What the page shows.
  function timeOf(iso) {
    try {
      return new Intl.DateTimeFormat(root.dataset.language || undefined, {
        hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: root.dataset.timezone
      }).format(new Date(iso));
    } catch (error) {
      return new Date(iso).toLocaleTimeString();
    }
  }

  function showResult(ok, title, detail) {
    var old = document.querySelector(".door-result");
    if (old) {
      old.remove();
    }
    var box = document.createElement("div");
    box.className = "door-result " + (ok ? "door-result-ok" : "door-result-refused");
    box.setAttribute("role", ok ? "status" : "alert");
    var p = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = title;
    p.appendChild(strong);
    if (detail) {
      p.appendChild(document.createElement("br"));
      p.appendChild(document.createTextNode(detail));
    }
    box.appendChild(p);
    form.parentNode.insertBefore(box, form);
  }

  function showInvalid(show) {
    var error = document.getElementById("door-code-error");
    if (show && !error) {
      error = document.createElement("p");
      error.className = "field-error";
      error.id = "door-code-error";
      error.textContent = M.invalid;
      form.appendChild(error);
    } else if (!show && error) {
      error.remove();
    }
    field.setAttribute("aria-describedby", show ? "door-code-help door-code-error" : "door-code-help");
    if (show) {
      field.setAttribute("aria-invalid", "true");
    } else {
      field.removeAttribute("aria-invalid");
    }
  }

  function render(pending) {
    if (!list) {
      return;
    }
    // People, not codes: a party (its attendee and guests) is counted as the server counts it.
    var codes = Object.keys(list.attendees);
    var expected = 0;
    var attended = 0;
    codes.forEach(function (c) {
      var party = 1 + (list.attendees[c].guests || 0);
      expected += party;
      if (list.attendees[c].checked_in_at) {
        attended += party;
      }
    });
    var counts = document.querySelector(".door-counts");
    if (counts) {
      counts.textContent = fill(M.counts, { attended: attended, expected: expected });
    }
    document.querySelectorAll("li.door-person[data-code]").forEach(function (row) {
      var entry = list.attendees[row.dataset.code];
      if (!entry || !entry.checked_in_at) {
        return;
      }
      if (!row.classList.contains("is-attended")) {
        row.classList.add("is-attended");
        row.querySelector(".door-state").textContent = fill(M.checked_in_at, { time: timeOf(entry.checked_in_at) });
      }
      var rowForm = row.querySelector("form[data-attend]");
      if (!rowForm) {
        return;
      }
      if (entry.local) {
        rowForm.hidden = true; // not on the server yet: nothing there to undo
        return;
      }
      // On the server now: the row's button undoes it there, as on a page that listed
      // them checked in.
      rowForm.action = rowForm.action.replace(/\/attend$/, "/undo");
      delete rowForm.dataset.attend;
      var button = rowForm.querySelector("button");
      button.firstChild.textContent = M.undo;
      button.classList.add("secondary");
      rowForm.hidden = false;
    });
    if (statusLine && pending !== undefined) {
      var parts = [];
      parts.push(pending ? fill(M.pending, { count: pending }) : M.all_sent);
      if (lastSync) {
        parts.push(fill(M.last_sync, { time: timeOf(lastSync) }));
      }
      if (!navigator.onLine) {
        parts.push(M.offline);
      }
      if (signedOut) {
        parts.push(M.signed_out);
      }
      statusLine.textContent = parts.join(" · ");
    }
  }

  function refreshStatus() {
    return queued().then(function (items) {
      render(items.length);
    });
  }

  // ---- Checking in on the device.
  function checkIn(raw, fallbackForm) {
    var code = normalise(raw);
    if (!code) {
      showInvalid(true);
      field.focus();
      return;
    }
    showInvalid(false);
    var entry = list.attendees[code];
    if (!entry) {
      if (navigator.onLine && !signedOut && fallbackForm) {
        // Perhaps registered since the list was loaded, or another event's: the server knows.
        fallbackForm.submit();
        return;
      }
      showResult(false, M.not_registered, M.not_on_list);
    } else if (entry.checked_in_at) {
      showResult(false, fill(M.already, { name: entry.name }), fill(M.at_time, { time: timeOf(entry.checked_in_at) }));
    } else {
      var now = new Date(Date.now() + (list.offset || 0)).toISOString();
      entry.checked_in_at = now;
      entry.local = true;
      showResult(true, fill(M.checked_in, { name: entry.name }), entry.organisation || "");
      saveList().then(function () {
        return store("queue", "readwrite", function (s) {
          s.put({ id: newId(), slug: slug, code: code, at: now });
        });
      }).then(function () {
        refreshStatus();
        sync();
      });
      render();
    }
    field.value = "";
    field.focus();
  }

  // ---- Talking to the server.
  function forgetList() {
    list = null;
    return store("lists", "readwrite", function (s) {
      s.delete(slug);
    });
  }

  function refresh() {
    return fetch(root.dataset.doorUrl, { credentials: "same-origin", headers: { accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401 || response.status === 403) {
          signedOut = true;
          return forgetList();
        }
        if (!response.ok) {
          return null;
        }
        signedOut = false;
        return response.json().then(function (data) {
          return queued().then(function (items) {
            var attendees = {};
            data.attendees.forEach(function (a) {
              attendees[a.code] = a;
            });
            // What this device checked in and has not sent yet stays checked in here.
            items.forEach(function (item) {
              var entry = attendees[item.code];
              if (entry && !entry.checked_in_at) {
                entry.checked_in_at = item.at;
                entry.local = true;
              }
            });
            // The server's clock, as far as this device can tell: a phone's own may be wrong.
            var offset = Date.parse(data.loaded_at) - Date.now();
            list = { slug: slug, title: data.event.title, keep_until: data.keep_until, loaded_at: data.loaded_at, offset: offset, attendees: attendees };
            root.dataset.doorLoaded = String(data.attendees.length);
            return saveList();
          });
        });
      })
      .catch(function () {
        return null;
      })
      .then(refreshStatus);
  }

  function sendBatch(items) {
    var batch = items.slice(0, BATCH);
    var body = {
      device: device,
      pending: items.length - batch.length,
      checkins: batch.map(function (item) {
        return { id: item.id, code: item.code, at: item.at };
      })
    };
    return fetch(root.dataset.syncUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (response.status === 401 || response.status === 403) {
        signedOut = true;
        return null;
      }
      if (!response.ok) {
        return null;
      }
      return response.json().then(function (data) {
        lastSync = data.synced_at;
        var problems = [];
        data.results.forEach(function (result) {
          var item = batch.filter(function (b) {
            return b.id === result.id;
          })[0];
          var entry = item && list && list.attendees[item.code];
          if (entry && result.checked_in_at) {
            entry.checked_in_at = result.checked_in_at; // the server's: the first one kept
            entry.local = false;
          }
          if (result.outcome !== "checked_in" && result.outcome !== "already") {
            problems.push((item ? item.code : "?") + " " + (result.name || (entry && entry.name) || ""));
          }
        });
        showProblems(problems);
        return saveList().then(function () {
          return store("queue", "readwrite", function (s) {
            batch.forEach(function (item) {
              s.delete(item.id);
            });
          });
        }).then(function () {
          return items.length > batch.length ? queued().then(sendBatch) : null;
        });
      });
    });
  }

  function sync() {
    if (syncing || !device) {
      return syncing || Promise.resolve();
    }
    syncing = queued()
      .then(sendBatch)
      .catch(function () {
        return null;
      })
      .then(function () {
        syncing = null;
        return refreshStatus();
      });
    return syncing;
  }

  function showProblems(problems) {
    var box = document.getElementById("door-problems");
    if (!box || !problems.length) {
      return;
    }
    problems.forEach(function (text) {
      var li = document.createElement("li");
      li.textContent = text;
      box.querySelector("ul").appendChild(li);
    });
    box.hidden = false;
  }

  // ---- The camera.
  var scanButton = document.getElementById("door-scan");
  var video = document.getElementById("door-video");
  var stream = null;
  var decoderPromise = null;

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function decoder() {
    if (decoderPromise) {
      return decoderPromise;
    }
    var native = Promise.resolve(null);
    if ("BarcodeDetector" in window) {
      native = Promise.resolve(window.BarcodeDetector.getSupportedFormats ? window.BarcodeDetector.getSupportedFormats() : ["qr_code"])
        .then(function (formats) {
          if (formats.indexOf("qr_code") < 0) {
            return null;
          }
          var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
          return function (source) {
            return detector.detect(source).then(function (found) {
              return found.length ? found[0].rawValue : null;
            });
          };
        })
        .catch(function () {
          return null;
        });
    }
    decoderPromise = native.then(function (decode) {
      if (decode) {
        root.dataset.decoder = "BarcodeDetector";
        return decode;
      }
      return loadScript(root.dataset.jsqr).then(function () {
        var canvas = document.createElement("canvas");
        var context = canvas.getContext("2d", { willReadFrequently: true });
        root.dataset.decoder = "jsQR";
        return function (source) {
          var width = source.videoWidth || source.naturalWidth || source.width;
          var height = source.videoHeight || source.naturalHeight || source.height;
          if (!width || !height) {
            return Promise.resolve(null);
          }
          canvas.width = width;
          canvas.height = height;
          context.drawImage(source, 0, 0, width, height);
          var found = window.jsQR(context.getImageData(0, 0, width, height).data, width, height);
          return Promise.resolve(found ? found.data : null);
        };
      });
    });
    return decoderPromise;
  }

  function stopCamera() {
    if (stream) {
      stream.getTracks().forEach(function (track) {
        track.stop();
      });
    }
    stream = null;
    video.hidden = true;
    scanButton.textContent = M.scan;
    scanButton.setAttribute("aria-pressed", "false");
  }

  // A decoded code goes through the code field and its form, as if typed and sent.
  function scanned(text) {
    field.value = text;
    form.requestSubmit();
  }

  function watch(decode) {
    if (!stream) {
      return;
    }
    decode(video).then(function (text) {
      if (text) {
        stopCamera();
        scanned(text);
      } else {
        setTimeout(function () {
          watch(decode);
        }, 150);
      }
    }, function () {
      setTimeout(function () {
        watch(decode);
      }, 300);
    });
  }

  function startCamera() {
    if (stream) {
      stopCamera();
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        scanButton.textContent = M.stop_scan;
        scanButton.setAttribute("aria-pressed", "true");
        return video.play().then(decoder).then(watch);
      })
      .catch(function () {
        stopCamera();
        showResult(false, M.no_camera, "");
      });
  }

  if (scanButton && video && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    scanButton.hidden = false;
    scanButton.addEventListener("click", startCamera);
  }

  // For tests and for a person holding a printed code up to a laptop: decode an image.
  window.eventsDoor = {
    decodeImage: function (image) {
      return decoder().then(function (decode) {
        return decode(image);
      });
    },
    scanImage: function (image) {
      return window.eventsDoor.decodeImage(image).then(function (text) {
        if (text) {
          scanned(text);
        }
        return text;
      });
    },
    sync: function () {
      return sync();
    },
    refresh: function () {
      return refresh();
    }
  };

  // ---- Start.
  form.addEventListener("submit", function (event) {
    if (!list) {
      return; // no door list on this device yet: the server answers, as without this script
    }
    event.preventDefault();
    checkIn(field.value, form);
  });
  document.querySelectorAll("li.door-person[data-code] form").forEach(function (rowForm) {
    rowForm.addEventListener("submit", function (event) {
      var code = rowForm.closest("li").dataset.code;
      if (!rowForm.dataset.attend && !navigator.onLine) {
        event.preventDefault();
        showResult(false, M.undo_offline, "");
        return;
      }
      if (!list || !rowForm.dataset.attend || !list.attendees[code]) {
        return;
      }
      event.preventDefault();
      checkIn(code, null);
    });
  });
  var logout = document.querySelector("form.admin-logout");
  if (logout) {
    // Send what this device holds before signing out clears it.
    logout.addEventListener("submit", function (event) {
      if (logout.dataset.flushed) {
        return;
      }
      event.preventDefault();
      logout.dataset.flushed = "1";
      Promise.race([sync(), new Promise(function (resolve) {
        setTimeout(resolve, 5000);
      })]).then(function () {
        logout.submit();
      });
    });
  }
  var nameField = document.getElementById("door-device-name");

  Promise.all([loadDevice(), store("lists", "readonly", function (s) {
    return s.get(slug);
  })]).then(function (found) {
    list = found[1] || null;
    if (nameField) {
      nameField.value = device.name;
      nameField.closest("form").hidden = false;
      nameField.closest("form").addEventListener("submit", function (event) {
        event.preventDefault();
        device.name = nameField.value.trim().slice(0, 60) || device.name;
        store("meta", "readwrite", function (s) {
          s.put(device, "device");
        }).then(sync);
      });
    }
    if (list && list.keep_until && Date.parse(list.keep_until) < Date.now() + (list.offset || 0)) {
      return forgetList(); // the event is over: the device keeps no names longer
    }
    if (list) {
      root.dataset.doorLoaded = String(Object.keys(list.attendees).length);
    }
    // Not shown yet: the server's list comes first when online (refresh), this one when not.
  }).then(function () {
    return refresh();
  }).then(function () {
    return sync();
  });
  // Queued check-ins are retried often; a device with none reports in once a minute, so the
  // organiser still sees it is there.
  setInterval(function () {
    queued().then(function (items) {
      if (items.length) {
        sync();
      }
    });
  }, SYNC_EVERY);
  setInterval(function () {
    if (navigator.onLine) {
      refresh().then(sync);
    }
  }, REFRESH_EVERY);
  window.addEventListener("online", function () {
    sync().then(refresh);
  });
  window.addEventListener("offline", refreshStatus);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.worker, { scope: root.dataset.scope }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var worker = registration.active;
      var urls = [root.dataset.scope];
      document.querySelectorAll("link[rel=stylesheet], script[src], link[rel=icon]").forEach(function (node) {
        urls.push(node.getAttribute("href") || node.getAttribute("src"));
      });
      urls.push(root.dataset.jsqr);
      if (worker) {
        worker.postMessage({ keep: urls });
      }
      root.dataset.offlineReady = "1";
    }).catch(function () {
      return null;
    });
  }
}());
