"""Pages that show a value which changes more often than content: declared by the view, checked
by the page cache.

Content changes (an edit, a publication) raise one content version and empty every process's
page cache. Some values change far more often and touch one page only: an event's seats left
change with every registration. A view that shows such a value declares it on its response
(`declare_dependency(response, key, value)`, for example `"seats:42"` and what it showed);
the page cache stores the page with that pair and, at most every `check_seconds`, asks the
reader registered for the key's kind (`"seats"`) for the current values of the keys it holds
pages for. A page whose value moved is dropped; pages of other keys stay. `web/` knows no
feature: the readers are handed to the cache by the app (app.py).

A page may depend on several keys (a listing on each listed event's seats). Templates that
show such a value record it while the page renders (`record_dependency`, for example the
event cards); `render_page` declares what was recorded. The declaration travels as a
response header that the page cache middleware always removes, so it never reaches a client.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

DEPENDS_ON_HEADER = b"x-events-page-depends-on"
_RECORDED = "events_app.page_dependencies"  # in the request's scope: recorded while rendering

# Given a session, the moment and the keys of one kind, each key's current value. A key it
# leaves out (its subject is gone) counts as changed.
DependencyReader = Callable[..., dict[str, str]]


@dataclass(frozen=True)
class Dependency:
    key: str  # "<kind>:<id>"
    value: str  # what the page showed

    @property
    def kind(self) -> str:
        return self.key.partition(":")[0]


def _check(key: str, value: str) -> None:
    if ":" not in key or any(c in key + value for c in " ;,") or not key.isascii():
        raise ValueError(f"a dependency is '<kind>:<id>' and a value, without ' ;,': {key!r}")


def declare_dependency(response: Response, key: str, value: str) -> None:
    _check(key, value)
    name = DEPENDS_ON_HEADER.decode()
    before = response.headers.get(name)
    response.headers[name] = f"{before};{key} {value}" if before else f"{key} {value}"


def record_dependency(request: Request, key: str, value: str) -> None:
    """While a page renders: it shows `value` for `key` (declared by `declare_recorded`)."""
    _check(key, value)
    request.scope.setdefault(_RECORDED, {})[key] = value


def declare_recorded(request: Request, response: Response) -> None:
    for key, value in request.scope.get(_RECORDED, {}).items():
        declare_dependency(response, key, value)


def take_dependencies(headers: list[tuple[bytes, bytes]]) -> tuple[Dependency, ...]:
    """Remove the declarations from `headers` (in place) and return them."""
    found: list[Dependency] = []
    for index in range(len(headers) - 1, -1, -1):
        name, value = headers[index]
        if name.lower() == DEPENDS_ON_HEADER:
            del headers[index]
            for pair in value.decode("latin-1").split(";"):
                key, _, shown = pair.partition(" ")
                found.append(Dependency(key, shown))
    return tuple(found)


def read_dependencies(
    readers: Mapping[str, DependencyReader],
    *,
    session: Session,
    now: datetime,
    keys: Collection[str],
) -> dict[str, str]:
    """The current value of each key, one reader call per kind. A key of a kind without a
    reader gets no value (its pages are dropped at the next check)."""
    by_kind: dict[str, list[str]] = {}
    for key in keys:
        by_kind.setdefault(key.partition(":")[0], []).append(key)
    values: dict[str, str] = {}
    for kind, kind_keys in by_kind.items():
        reader = readers.get(kind)
        if reader is not None:
            values.update(reader(session=session, now=now, keys=kind_keys))
    return values
