// "Your time" beside an event's own time: progressive enhancement only. The page names the
// event's time in the event's zone; when the reader's browser would write that moment
// differently (another zone, or another offset on that day), this fills in the reader's own
// time and shows it. Without JavaScript or Intl the span stays hidden.
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
    var moment = new Date(time.getAttribute("datetime"));
    if (isNaN(moment.getTime())) {
      return;
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
