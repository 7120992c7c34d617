"""Plain share links for a page: an email (mailto:) and the share dialogs of common social
networks, each an ordinary link carrying the page's address. No network's script, widget or
embed is loaded: nothing is sent to anyone until the visitor follows a link."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode


@dataclass(frozen=True, slots=True)
class SocialLink:
    network: str  # the network's own name, never translated
    url: str


@dataclass(frozen=True, slots=True)
class ShareLinks:
    url: str  # the page's canonical address, for "Copy link"
    email: str
    social: tuple[SocialLink, ...]


def mailto(subject: str, body: str) -> str:
    """RFC 6068: percent-encoded, spaces as %20 (a `+` would reach the mail as a plus)."""
    return f"mailto:?subject={quote(subject, safe='')}&body={quote(body, safe='')}"


def share_links(*, url: str, title: str, summary: str = "") -> ShareLinks:
    text = f"{title}\n\n{summary}\n\n{url}" if summary else f"{title}\n\n{url}"
    social = (
        SocialLink(
            "Bluesky", "https://bsky.app/intent/compose?" + urlencode({"text": f"{title} {url}"})
        ),
        SocialLink(
            "Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})
        ),
        SocialLink(
            "LinkedIn",
            "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url}),
        ),
        SocialLink(
            "WhatsApp", "https://api.whatsapp.com/send?" + urlencode({"text": f"{title} {url}"})
        ),
        SocialLink("X", "https://x.com/intent/post?" + urlencode({"text": title, "url": url})),
    )
    return ShareLinks(url=url, email=mailto(title, text), social=social)
