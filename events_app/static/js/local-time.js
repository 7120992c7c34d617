// "Your time" beside an event's own time: progressive enhancement only. The page names the
// event's time in the event's zone; when the reader's browser would write that moment
// differently (another zone, or another offset on that day), this fills in the reader's own
// time and shows it. Without JavaScript or Intl the span stays hidden.
// The first Intl.DateTimeFormat a page makes loads the browser's locale data: about 50 ms of
// main thread on a desktop, several times that on a phone. So a reader whose clock reads what
// the event's does (the `datetime` carries the event's offset) gets no formatter at all.
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat) {
    return;
  }
  var language = document.documentElement.lang || undefined;
  // English as the rest of the page writes it ("Mon 14 Dec, 07:00"), not en-US's order.
  if (language === "en") {
    language = "en-GB";
  }
  var options = {
    weekday: "short", day: "numeric", month: "short",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short"
  };
  document.querySelectorAll(".local-time time[datetime][data-event-zone]").forEach(function (time) {
    var written = time.getAttribute("datetime");
    var moment = new Date(written);
    if (isNaN(moment.getTime())) {
      return;
    }
    var offset = /([+-])(\d\d):(\d\d)$/.exec(written);
    if (offset) {
      var eventMinutes = (offset[1] === "-" ? -1 : 1) * (60 * Number(offset[2]) + Number(offset[3]));
      if (-moment.getTimezoneOffset() === eventMinutes) {
        return; // the same wall-clock time: nothing to add
      }
    }
    var reader, there;
    try {
      reader = new Intl.DateTimeFormat(language, options);
      there = new Intl.DateTimeFormat(language, Object.assign({ timeZone: time.dataset.eventZone }, options));
    } catch (error) {
      return; // a zone this browser does not know: the event's own time stands alone
    }
    var mine = reader.format(moment);
    if (mine === there.format(moment)) {
      return;
    }
    time.textContent = mine;
    time.parentElement.hidden = false;
  });
})();
