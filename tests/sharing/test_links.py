"""The plain share links: an encoded mailto: and each network's share dialog with the page."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

from events_app.sharing.links import share_links

URL = "https://events.example.org/events/talk"


def test_mailto_carries_title_summary_and_link_percent_encoded() -> None:
    links = share_links(url=URL, title="Q&A: 50% off? No", summary="A talk.")
    assert links.url == URL
    scheme, rest = links.email.split(":", 1)
    assert scheme == "mailto"
    assert "+" not in links.email  # a plus would reach the mail as a plus
    query = rest.removeprefix("?")
    params = dict(part.split("=", 1) for part in query.split("&"))
    assert set(params) == {"subject", "body"}
    assert unquote(params["subject"]) == "Q&A: 50% off? No"
    assert unquote(params["body"]) == f"Q&A: 50% off? No\n\nA talk.\n\n{URL}"


def test_every_network_link_is_a_plain_https_link_to_the_page() -> None:
    links = share_links(url=URL, title="Talk", summary="")
    networks = [link.network for link in links.social]
    assert networks == ["Bluesky", "Facebook", "LinkedIn", "WhatsApp", "X"]
    for link in links.social:
        parts = urlsplit(link.url)
        assert parts.scheme == "https"
        values = [v for vs in parse_qs(parts.query).values() for v in vs]
        assert any(URL in value for value in values), link
