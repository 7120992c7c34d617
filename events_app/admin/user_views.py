"""The users page (admins only): the list, adding a user, changing a role, deactivating and
reactivating. Bad input comes back in the form with a message beside each field; a change
the rules refuse (the last admin) says why. Nothing is half-written: each change is one
transaction with its audit entry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from events_app.admin import users
from events_app.admin.guards import requires
from events_app.admin.pages import render_admin
from events_app.admin.passwords import PasswordRefused, accept_password, hasher_for
from events_app.admin.schemas import UserCreate
from events_app.models import User, UserRole
from events_app.registration.view_support import field_errors, form_text, read_form, redirect_to
from events_app.web.context import app_context
from events_app.web.forms import parse_choice

if TYPE_CHECKING:
    from sqlmodel import Session

NEW_FIELDS = ("email", "name", "role")
ACTIVE_VALUES = {"1": True, "0": False}
MAX_ID = 2**31 - 1  # an id the database's integer column cannot hold is simply not found


@requires(UserRole.admin)
async def user_list(request: Request, user: User) -> Response:
    listed = await app_context(request).read(lambda session: users.list_users(session=session))
    return render_admin(request, "admin/users.html", {"users": listed}, user=user)


def _render_new(
    request: Request,
    user: User,
    form: Mapping[str, str],
    errors: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    context = {"form": form, "errors": errors or {}, "roles": list(UserRole)}
    return render_admin(request, "admin/user_new.html", context, user=user, status_code=status_code)


@requires(UserRole.admin)
async def new_user_form(request: Request, user: User) -> Response:
    return _render_new(request, user, {"email": "", "name": "", "role": UserRole.editor})


@requires(UserRole.admin)
async def new_user_submit(request: Request, user: User) -> Response:
    ctx = app_context(request)
    form = await read_form(request)
    values = {name: form_text(form, name) for name in NEW_FIELDS}
    password = form_text(form, "password")
    errors: dict[str, str] = {}
    data: UserCreate | None = None
    try:
        data = UserCreate.model_validate(values)
    except ValidationError as exc:
        errors = field_errors(exc, values)
        if "role" in errors:
            errors["role"] = "choice"
    hints = data.password_hints if data else [values["email"], values["name"]]
    try:
        accepted = await run_in_threadpool(
            accept_password, password, user_inputs=hints, hasher=hasher_for(ctx.settings)
        )
    except PasswordRefused as refused:
        errors["password"] = "required" if not password else refused.code
    if errors or data is None:
        return _render_new(request, user, values, errors, status_code=400)
    valid, now = data, ctx.now()

    def write(session: Session) -> User:
        return users.create_user(
            session=session, now=now, actor=user, data=valid, password=accepted
        )

    try:
        created = await ctx.write(write)
    except users.UserRefused as refused:
        return _render_new(request, user, values, refused.errors, status_code=400)
    return _to_user(request, created, "created")


def _to_user(request: Request, target: User, flag: str) -> Response:
    response = redirect_to(request, "admin_user", user_id=str(target.id))
    response.headers["location"] += f"?{flag}=1"
    return response


async def _load(request: Request) -> User:
    user_id: int = request.path_params["user_id"]
    if user_id > MAX_ID:
        raise HTTPException(status_code=404)
    found = await app_context(request).read(
        lambda session: users.find_user(session=session, user_id=user_id)
    )
    if found is None:
        raise HTTPException(status_code=404)
    return found


def _render_user(
    request: Request,
    user: User,
    target: User,
    *,
    errors: Mapping[str, str] | None = None,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    context = {
        "target": target,
        "roles": list(UserRole),
        "errors": errors or {},
        "created": request.query_params.get("created") == "1",
        "saved": request.query_params.get("saved") == "1",
        **extra,
    }
    return render_admin(
        request, "admin/user_edit.html", context, user=user, status_code=status_code
    )


@requires(UserRole.admin)
async def user_page(request: Request, user: User) -> Response:
    return _render_user(request, user, await _load(request))


async def _change(request: Request, user: User, field: str) -> Response:
    """A role change or (de)activation: one field, parsed, applied, or refused beside it."""
    ctx = app_context(request)
    form = await read_form(request)
    target = await _load(request)
    raw = form_text(form, field)
    role, role_ok = parse_choice(raw, UserRole)
    active = ACTIVE_VALUES.get(raw)
    if (field == "role" and (role is None or not role_ok)) or (
        field == "active" and active is None
    ):
        return _render_user(request, user, target, errors={field: "choice"}, status_code=400)
    target_id, now = target.id, ctx.now()
    assert target_id is not None

    def write(session: Session) -> User | None:
        if role is not None:
            return users.change_role(
                session=session, now=now, actor=user, user_id=target_id, role=role
            )
        return users.set_active(
            session=session, now=now, actor=user, user_id=target_id, active=bool(active)
        )

    try:
        changed = await ctx.write(write)
    except users.UserRefused as refused:
        return _render_user(request, user, target, errors=refused.errors, status_code=409)
    if changed is None:
        raise HTTPException(status_code=404)
    return _to_user(request, changed, "saved")


@requires(UserRole.admin)
async def change_role(request: Request, user: User) -> Response:
    return await _change(request, user, "role")


@requires(UserRole.admin)
async def change_active(request: Request, user: User) -> Response:
    return await _change(request, user, "active")


routes: list[BaseRoute] = [
    Route("/admin/users", user_list, methods=["GET"], name="admin_users"),
    Route("/admin/users/new", new_user_form, methods=["GET"], name="admin_user_new"),
    Route("/admin/users/new", new_user_submit, methods=["POST"], name="admin_user_create"),
    Route("/admin/users/{user_id:int}", user_page, methods=["GET"], name="admin_user"),
    Route("/admin/users/{user_id:int}/role", change_role, methods=["POST"], name="admin_user_role"),
    Route(
        "/admin/users/{user_id:int}/active",
        change_active,
        methods=["POST"],
        name="admin_user_active",
    ),
]
