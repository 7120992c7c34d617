"""Moving events and articles in and out: `events-app import` and `events-app export`."""
