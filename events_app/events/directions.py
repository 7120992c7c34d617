"""An event page's "Directions": plain links to OpenStreetMap, Google Maps and Apple Maps,
to the event's map position when it has one, else to its address. Links only: no map tiles
or scripts are loaded, and nothing reaches a map service until the visitor follows one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlencode

from events_app.models import EventFormat


class Located(Protocol):
    @property
    def format(self) -> EventFormat: ...
    @property
    def address(self) -> str: ...
    @property
    def latitude(self) -> float | None: ...
    @property
    def longitude(self) -> float | None: ...


@dataclass(frozen=True, slots=True)
class DirectionsLink:
    service: str  # the map service's own name, never translated
    url: str


def directions_links(event: Located) -> tuple[DirectionsLink, ...]:
    """() for an online event, or one with neither a map position nor an address."""
    if event.format == EventFormat.online:
        return ()
    if event.latitude is not None and event.longitude is not None:
        # Six decimals are about 10 cm: more only makes the link longer.
        lat, lon = round(event.latitude, 6), round(event.longitude, 6)
        osm = "https://www.openstreetmap.org/?" + urlencode({"mlat": lat, "mlon": lon})
        osm += f"#map=17/{lat}/{lon}"
        destination = f"{lat},{lon}"
    elif event.address.strip():
        destination = event.address.strip()
        osm = "https://www.openstreetmap.org/search?" + urlencode({"query": destination})
    else:
        return ()
    # The documented forms: Google's Maps URLs (api=1) and Apple's Map Links (daddr).
    google = "https://www.google.com/maps/dir/?" + urlencode(
        {"api": "1", "destination": destination}
    )
    apple = "https://maps.apple.com/?" + urlencode({"daddr": destination})
    return (
        DirectionsLink("OpenStreetMap", osm),
        DirectionsLink("Google Maps", google),
        DirectionsLink("Apple Maps", apple),
    )
