"""The attendee's pages: register, confirm, manage. (Routes are added by the web flow.)"""

from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
