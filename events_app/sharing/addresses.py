"""Spotting a link in "Send this to a friend" text, and saying when two recipient addresses
are the same mailbox.

A spammer does not need `https://`: `evil-prize.com/login`, `https:/evil.example`, a
full-width `ｈｔｔｐｓ：／／`, `203.0.113.9/pay` or `mailto:x@evil.example` all become links in
a mail client, or are typed by the reader. So the text is first normalised (NFKC folds
full-width and other look-alike forms to ASCII; invisible format characters are removed)
and then searched for a scheme, a `www.`, an IP address, an email address or a hostname.
A hostname is a dotted name ending in a known top-level domain (any two-letter country code,
or a common generic one), or any dotted name followed by a path or a port. "Dr.Smith" and
"3.30pm" pass; "evil-prize.com" does not.
"""

from __future__ import annotations

import re
import unicodedata

# The common generic top-level domains; every two-letter one is a country's.
_TLD_WORDS = (
    "com net org info biz edu gov mil int xyz top online site club shop store app dev "
    "page link click live life world today news blog web website email cloud tech space "
    "fun icu vip win bid loan work men date stream download review racing party trade "
    "science money cash bank pro mobi name asia tel travel jobs museum example invalid "
    "test local onion zip mov support help services company group business center "
    "network digital one best cam lol wtf porn sex adult casino bet poker games"
)
_GENERIC_TLDS = frozenset(_TLD_WORDS.split())
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"(?<![\w.@-])((?:{_LABEL}\.)+)((?:xn--)?[a-z0-9-]{{2,63}})(?![\w-])(\S?)")
_SCHEME = re.compile(r"\b[a-z][a-z0-9+.-]*:/")  # http://, https:/, ftp://, file:/ ...
_BARE_SCHEME = re.compile(r"\b(?:mailto|tel|sms|callto|javascript|data|xmpp|sip|magnet):")
_WWW = re.compile(r"\bwww\d{0,3}\.")
_IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.]*\d)")
_IPV6 = re.compile(r"\[?[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}\]?")
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]{2,}")
# Full stops that NFKC leaves alone but a reader (and some mail clients) take for one.
_DOTS = str.maketrans({"\u3002": ".", "\uff61": ".", "\u2024": ".", "\ufe52": "."})
_SLASHES = str.maketrans({"\u2044": "/", "\u2215": "/", "\u29f8": "/"})


def normalised(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).translate(_DOTS).translate(_SLASHES)
    visible = "".join(c for c in folded if unicodedata.category(c) != "Cf")
    return visible.casefold()


def _is_ipv6(candidate: str) -> bool:
    # "::" or a full eight groups: a time of day (10:30:45) is neither.
    digits = candidate.strip("[]")
    return ("::" in digits and any(c.isalnum() for c in digits)) or digits.count(":") == 7


def contains_web_address(text: str) -> bool:
    """Whether `text` holds anything a reader could follow to another site."""
    plain = normalised(text)
    if _SCHEME.search(plain) or _BARE_SCHEME.search(plain) or _WWW.search(plain):
        return True
    if _IPV4.search(plain) or _EMAIL.search(plain):
        return True
    if any(_is_ipv6(m.group(0)) for m in _IPV6.finditer(plain)):
        return True
    for match in _HOST.finditer(plain):
        _labels, tld, after = match.groups()
        if tld.isdigit():
            continue  # 3.30 or a version number
        if (len(tld) == 2 and tld.isalpha()) or tld in _GENERIC_TLDS or tld.startswith("xn--"):
            return True
        if after in ("/", ":", "?", "#"):
            return True
    return False


# Providers known to ignore dots in the local part of their addresses.
_DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def mailbox_key(address: str) -> str:
    """The mailbox an address delivers to, for counting "the same recipient": lower case,
    without a `+tag`, and without dots where the provider ignores them."""
    local, _, domain = address.casefold().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in _DOTLESS_DOMAINS:
        domain = _DOTLESS_DOMAINS[domain]
        local = local.replace(".", "")
    return f"{local}@{domain}"
