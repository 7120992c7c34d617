"""Calendar files (iCalendar) built from events."""
