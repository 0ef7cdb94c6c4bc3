"""Who may do what: ``can(user, permission, obj=None)`` and the ``@requires`` decorator.

Deny by default: a permission nobody declared is held by nobody, and a view that does not
say what it needs is refused by the permission-matrix test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from flask import Flask, abort, current_app, g
from flask_login import current_user
from sqlalchemy import select

from core import audit
from core.extensions import db, login_manager
from core.models import Membership, Site
from core.roles import Permission

PUBLIC = "public"  # anyone, logged in or not (login page, static files)
LOGGED_IN = "logged-in"  # any active user, no site involved (site picker, own password)


class PermissionRegistry:
    """Every declared permission and, from it, the permissions of each role."""

    def __init__(self) -> None:
        self._permissions: dict[str, Permission] = {}
        self._by_role: dict[str, frozenset[str]] = {}

    def add(self, permissions: Iterable[Permission]) -> None:
        for permission in permissions:
            if permission.name in self._permissions:
                raise ValueError(f"permission {permission.name!r} is declared twice")
            self._permissions[permission.name] = permission
        self._rebuild()

    def _rebuild(self) -> None:
        by_role: dict[str, set[str]] = {}
        for permission in self._permissions.values():
            for role in permission.default_roles:
                by_role.setdefault(role, set()).add(permission.name)
        self._by_role = {role: frozenset(names) for role, names in by_role.items()}

    def __contains__(self, name: str) -> bool:
        return name in self._permissions

    def __iter__(self):
        return iter(self._permissions.values())

    def for_role(self, role: str) -> frozenset[str]:
        return self._by_role.get(role, frozenset())


def init_app(app: Flask) -> None:
    # Filled by the plugin host, the core's permissions (from its default plugin) first.
    registry = PermissionRegistry()
    app.extensions["butler.permissions"] = registry


def registry() -> PermissionRegistry:
    return current_app.extensions["butler.permissions"]


def roles_on(user: Any, site: Site | None) -> frozenset[str]:
    """The roles ``user`` holds on ``site`` (cached for the request)."""
    if site is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cache = g.setdefault("_butler_roles", {})
    key = (user.id, site.id)
    if key not in cache:
        memberships = db.session.scalars(
            select(Membership.role).where(
                Membership.site_id == site.id, Membership.user_id == user.id
            )
        )
        remember_roles(user, site.id, site.organization_id, memberships)
    return cache[key]


def remember_roles(user: Any, site_id: int, organization_id: int, memberships) -> None:
    """Keep for this request the roles ``user`` holds on the site: their memberships'
    roles, and org admin on a site of their own organisation. The user loader calls it
    with the roles it read in the same statement as the user (``core.auth``)."""
    roles = {role for role in memberships if role}
    if user.is_org_admin and user.organization_id == organization_id:
        roles.add("org_admin")
    g.setdefault("_butler_roles", {})[(user.id, site_id)] = frozenset(roles)


def _site_of(obj: Any) -> Site | None:
    if obj is None:
        return g.get("site")
    if isinstance(obj, Site):
        return obj
    site_id = getattr(obj, "site_id", None)
    current = g.get("site")
    if current is not None and current.id == site_id:
        return current
    return db.session.get(Site, site_id) if site_id is not None else None


def can(user: Any, permission: str, obj: Any = None) -> bool:
    """True when ``user`` may do ``permission`` on ``obj`` (or on the current site)."""
    if permission == PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if permission == LOGGED_IN:
        return True
    if permission not in registry():
        return False
    reg = registry()
    return any(permission in reg.for_role(role) for role in roles_on(user, _site_of(obj)))


def requires(permission: str) -> Callable:
    """Refuse the view unless the current user holds ``permission`` on the current site.

    Anonymous users are sent to the login page; others get 403. The permission is kept on
    the view function so that tests can check that every endpoint declares one.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            if permission != PUBLIC and not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not can(current_user, permission):
                audit.record("access.denied", detail={"permission": permission})
                db.session.commit()
                abort(403)
            return view(*args, **kwargs)

        wrapper.butler_permission = permission  # type: ignore[attr-defined]
        return wrapper

    return decorator


def permission_of(view: Callable) -> str | None:
    """The permission a view declared with ``@requires``, or None."""
    return getattr(view, "butler_permission", None)


def roles_anywhere(user: Any) -> frozenset[str]:
    """Every role ``user`` holds on any site (org_admin included when they are one)."""
    roles = set(db.session.scalars(select(Membership.role).where(Membership.user_id == user.id)))
    if user.is_org_admin:
        roles.add("org_admin")
    return frozenset(roles)


def sites_of(user: Any) -> set[int]:
    """The ids of every site where ``user`` holds a role (org admin rights not counted)."""
    return set(db.session.scalars(select(Membership.site_id).where(Membership.user_id == user.id)))
