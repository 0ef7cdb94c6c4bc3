"""Small factories: each test builds exactly the data its story needs."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from flask import Flask

from core.auth import hash_password
from core.extensions import db
from core.models import (
    Building,
    ButlerAssignment,
    Membership,
    Occupancy,
    Organization,
    PluginEnablement,
    Resident,
    Site,
    Unit,
    User,
)

PASSWORD = "correct-horse-battery"
_serial = itertools.count(1)


class Factory:
    """``make.site()``, ``make.user(role=..., site=...)``, … each committed and returned."""

    _hash: str | None = None

    def __init__(self, app: Flask) -> None:
        self.app = app

    def _save(self, obj: Any) -> Any:
        """Commit ``obj`` and hand it back detached, its columns loaded."""
        with self.app.app_context():
            db.session.add(obj)
            db.session.commit()
            db.session.refresh(obj)
            db.session.expunge(obj)
        return obj

    def update(self, obj: Any, **fields: Any) -> Any:
        """Change ``obj`` in the database as another user would have."""
        with self.app.app_context():
            obj = db.session.merge(obj)
            for name, value in fields.items():
                setattr(obj, name, value)
            db.session.commit()
            db.session.refresh(obj)
            db.session.expunge(obj)
        return obj

    def org(self, **fields: Any) -> Organization:
        n = next(_serial)
        fields.setdefault("slug", f"org-{n}")
        fields.setdefault("name", f"Property Company {n}")
        return self._save(Organization(**fields))

    def site(self, org: Organization | None = None, **fields: Any) -> Site:
        n = next(_serial)
        org = org or self.org()
        fields.setdefault("slug", f"site-{n}")
        fields.setdefault("name", f"Estate {n}")
        fields.setdefault("kind", "residential")
        fields.setdefault("default_locale", "en")
        return self._save(Site(organization_id=org.id, **fields))

    def user(
        self,
        role: str | None = "butler",
        site: Site | None = None,
        *,
        org_admin: bool = False,
        org: Organization | None = None,
        **fields: Any,
    ) -> User:
        n = next(_serial)
        if site is None and not org_admin:
            site = self.site()
        if org is not None:
            org_id = org.id
        else:
            org_id = site.organization_id if site is not None else self.org().id
        if Factory._hash is None:
            with self.app.app_context():
                Factory._hash = hash_password(PASSWORD)
        fields.setdefault("username", f"user{n}")
        fields.setdefault("display_name", f"Staff Member {n}")
        fields.setdefault("password_hash", Factory._hash)
        user = self._save(User(organization_id=org_id, is_org_admin=org_admin, **fields))
        if site is not None and role is not None:
            self.membership(user, site, role)
        return user

    def membership(self, user: User, site: Site, role: str) -> Membership:
        return self._save(Membership(site_id=site.id, user_id=user.id, role=role))

    def building(self, site: Site, **fields: Any) -> Building:
        n = next(_serial)
        fields.setdefault("code", f"B{n}")
        fields.setdefault("name", f"Block {n}")
        fields.setdefault("floors", 10)
        return self._save(Building(site_id=site.id, **fields))

    def unit(self, building: Building, **fields: Any) -> Unit:
        n = next(_serial)
        fields.setdefault("floor", 1)
        fields.setdefault("number", f"{n}A")
        return self._save(Unit(site_id=building.site_id, building_id=building.id, **fields))

    def resident(self, site: Site, unit: Unit | None = None, role: str = "owner", **fields: Any):
        n = next(_serial)
        fields.setdefault("name", f"Resident {n}")
        fields.setdefault("phone", f"9{n:07d}")
        resident = self._save(Resident(site_id=site.id, **fields))
        if unit is not None:
            self._save(
                Occupancy(
                    site_id=site.id,
                    resident_id=resident.id,
                    unit_id=unit.id,
                    role=role,
                    moved_in=date(2020, 1, 1),
                )
            )
        return resident

    def enable(self, site: Site, plugin: str, enabled: bool = True) -> PluginEnablement:
        """Switch ``plugin`` on (or off) for ``site`` directly, without lifecycle hooks."""
        return self._save(PluginEnablement(site_id=site.id, plugin=plugin, enabled=enabled))

    def assignment(self, user: User, building: Building, **fields: Any) -> ButlerAssignment:
        fields.setdefault("starts_on", date(2024, 1, 1))
        return self._save(
            ButlerAssignment(
                site_id=building.site_id, building_id=building.id, user_id=user.id, **fields
            )
        )

    def occupancy(self, resident: Resident, unit: Unit, **fields: Any) -> Occupancy:
        """``resident`` living (or having lived) in ``unit``; pass ``moved_out`` for history."""
        fields.setdefault("role", "owner")
        fields.setdefault("moved_in", date(2020, 1, 1))
        return self._save(
            Occupancy(site_id=unit.site_id, resident_id=resident.id, unit_id=unit.id, **fields)
        )
