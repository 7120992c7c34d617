"""The documents crawlers read, written the same way every time for the same content (so their
ETags hold): the sitemap (sitemaps.org protocol 0.9), robots.txt naming it, and the
ElementTree helpers the Atom feeds share, which clean text of what XML 1.0 cannot carry."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import UTC, datetime

from events_app.discovery.service import SitemapEntry
from events_app.site_urls import SiteUrls

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"

# Characters XML 1.0 forbids even escaped (most C0 controls, lone surrogates, U+FFFE/FFFF).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def child(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: clean(v) for k, v in attributes.items()})
    if text is not None:
        element.text = clean(text)
    return element


def w3c_datetime(moment: datetime) -> str:
    """RFC 3339 / W3C datetime in UTC, to the second: what Atom and sitemaps both read."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def document(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def build_sitemap(entries: Iterable[SitemapEntry]) -> bytes:
    urlset = ET.Element("urlset", xmlns=SITEMAP_NS)
    for entry in entries:
        url = child(urlset, "url")
        child(url, "loc", entry.url)
        if entry.lastmod is not None:
            child(url, "lastmod", w3c_datetime(entry.lastmod))
    return document(urlset)


def build_robots(*, urls: SiteUrls) -> str:
    """Crawlers may read every public page; the back office and the attendees' own pages
    (whose addresses hold their manage tokens) are none of their business. Each is disallowed
    by the prefix its routes share, taken from a route so that it moves with them."""
    back_office = urls.path("admin_dashboard")
    attendee_pages = urls.path("registration_manage", token="-").removesuffix("-")  # noqa: S106
    return (
        "User-agent: *\n"
        f"Disallow: {back_office}\n"
        f"Disallow: {attendee_pages}\n"
        "\n"
        f"Sitemap: {urls('sitemap')}\n"
    )
