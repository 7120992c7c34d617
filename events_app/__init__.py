"""events_app: event announcements and registration beside a news or institutional site."""

__version__ = "0.1.0"
