"""Small factories: each test builds exactly the data its story needs (the ``make`` fixture)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
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


@dataclass
class Estate:
    """What ``make.estate(...)`` built: a site, its towers and units, people, plugins on."""

    site: Site
    towers: list[Building] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    residents: list[Resident] = field(default_factory=list)
    staff: dict[str, User] = field(default_factory=dict)  # by username, in the order given
    roles: dict[str, str] = field(default_factory=dict)  # username -> role on the site
    switches: dict[str, PluginEnablement] = field(default_factory=dict)  # by plugin

    @property
    def tower(self) -> Building:
        return self.towers[0]

    @property
    def unit(self) -> Unit:
        return self.units[0]

    @property
    def resident(self) -> Resident:
        return self.residents[0]

    def first(self, role: str) -> User:
        """The first staff member given with ``role``."""
        return next(self.staff[name] for name, r in self.roles.items() if r == role)

    @property
    def butler(self) -> User:
        return self.first("butler")

    @property
    def manager(self) -> User:
        return self.first("manager")

    def url(self, path: str = "") -> str:
        """``/s/<slug>/<path>``."""
        return f"/s/{self.site.slug}/{path}"


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

    def estate(
        self,
        *,
        plugins: Iterable[str] = (),
        towers: Iterable[str | Mapping[str, Any]] = ("T1",),
        units: Iterable[Mapping[str, Any]] = (),
        residents: Iterable[Mapping[str, Any]] = (),
        staff: Mapping[str, str | Mapping[str, Any]] | Iterable[Mapping[str, Any]] = (),
        **site_fields: Any,
    ) -> Estate:
        """A site with ``plugins`` on, its towers, units, residents and staff, committed.

        ``towers``: building codes (``"T2"`` is named "Tower 2") or building fields.
        ``units``: unit fields, with ``tower`` the index of its tower (0 by default).
        ``residents``: resident fields, with ``unit`` the index of the unit they live in
        (none when left out). ``staff``: ``{username: role}`` or ``{username: fields}``, or
        a list of user fields; ``role`` is the role on the site and ``towers`` the indexes
        of the towers the user is assigned to as butler. Site fields go to ``make.site``.
        """
        site = self.site(**site_fields)
        estate = Estate(site=site)
        for plugin in plugins:
            estate.switches[plugin] = self.enable(site, plugin)
        for tower in towers:
            if isinstance(tower, str):
                tower = {"code": tower, "name": f"Tower {tower.removeprefix('T')}"}
            estate.towers.append(self.building(site, **tower))
        for fields in units:
            fields = dict(fields)
            building = estate.towers[fields.pop("tower", 0)]
            estate.units.append(self.unit(building, **fields))
        for fields in residents:
            fields = dict(fields)
            index = fields.pop("unit", None)
            unit = estate.units[index] if index is not None else None
            estate.residents.append(self.resident(site, unit, **fields))
        if isinstance(staff, Mapping):
            people = [
                {"username": name, **({"role": value} if isinstance(value, str) else value)}
                for name, value in staff.items()
            ]
        else:
            people = [dict(fields) for fields in staff]
        for fields in people:
            role = fields.pop("role", "butler")
            assigned = fields.pop("towers", ())
            user = self.user(role=role, site=site, **fields)
            for index in assigned:
                self.assignment(user, estate.towers[index])
            estate.staff[user.username] = user
            estate.roles[user.username] = role
        return estate
