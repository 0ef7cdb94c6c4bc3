"""The built-in roles and the core's permissions, with the roles that hold them by default.

Plugins declare their own permissions (with default roles) through the plugin host;
everything ends up in one registry that ``core.security.can`` reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Role:
    code: str
    label: object  # a lazy string
    hotel: bool = False


ROLES: tuple[Role, ...] = (
    Role("org_admin", _l("Organisation admin")),
    Role("manager", _l("Manager")),
    Role("assistant", _l("Property assistant")),
    Role("butler", _l("Butler")),
    Role("front_desk", _l("Front desk")),
    Role("health_staff", _l("Health staff")),
    Role("exec_housekeeper", _l("Executive housekeeper"), hotel=True),
    Role("asst_housekeeper", _l("Assistant executive housekeeper"), hotel=True),
    Role("floor_supervisor", _l("Floor supervisor"), hotel=True),
    Role("room_attendant", _l("Room attendant"), hotel=True),
    Role("linen_attendant", _l("Linen attendant"), hotel=True),
)
ROLE_CODES = tuple(r.code for r in ROLES)
ROLE_BY_CODE = {r.code: r for r in ROLES}

ALL_ROLES = frozenset(ROLE_CODES)
OFFICE_ROLES = frozenset({"org_admin", "manager", "assistant", "butler", "front_desk"})
HOTEL_LEADS = frozenset({"exec_housekeeper", "asst_housekeeper", "floor_supervisor"})


@dataclass(frozen=True)
class Permission:
    """A thing a user may do, and the roles that may do it unless a site says otherwise."""

    name: str
    label: object
    default_roles: frozenset[str] = field(default_factory=frozenset)


CORE_PERMISSIONS: tuple[Permission, ...] = (
    Permission("site.view", _l("Open the site and its dashboard"), ALL_ROLES),
    Permission(
        "buildings.view",
        _l("See buildings and units"),
        OFFICE_ROLES | {"health_staff"} | HOTEL_LEADS,
    ),
    Permission(
        "buildings.edit", _l("Add and change buildings and units"), {"org_admin", "manager"}
    ),
    Permission(
        "residents.view",
        _l("See residents and their contact details"),
        OFFICE_ROLES | {"health_staff"},
    ),
    Permission(
        "residents.edit",
        _l("Add and change residents"),
        {"org_admin", "manager", "assistant", "butler", "front_desk"},
    ),
    Permission(
        "residents.export",
        _l("Export the resident list to a spreadsheet"),
        {"org_admin", "manager", "assistant", "butler"},
    ),
    Permission(
        "residents.personal_data",
        _l("Export a resident's personal data, or erase them once the site allows"),
        {"org_admin"},
    ),
    Permission("staff.manage", _l("Manage staff, roles and butler assignments"), {"org_admin"}),
    Permission(
        "staff.reset_password",
        _l("Give staff who lost their password a one-time one"),
        {"org_admin", "manager"},
    ),
    Permission(
        "accounts.security",
        _l("Choose the roles that must log in with a second step"),
        {"org_admin"},
    ),
    Permission("plugins.manage", _l("Turn plugins on and off"), {"org_admin"}),
    Permission(
        "site.settings", _l("Change the site's settings (how long records are kept)"), {"org_admin"}
    ),
    Permission("audit.view", _l("Read the audit log"), {"org_admin", "manager"}),
    Permission("outbox.view", _l("See the messages sent to residents"), {"org_admin", "manager"}),
    Permission(
        "outbox.resend", _l("Send a failed message to a resident again"), {"org_admin", "manager"}
    ),
    Permission(
        "reports.view",
        _l("See the site's reports"),
        # Each report on the page has its own permission too; health staff see the
        # health programme's summary there.
        {
            "org_admin",
            "manager",
            "assistant",
            "butler",
            "health_staff",
            "exec_housekeeper",
            "asst_housekeeper",
        },
    ),
)


# health, housekeeping
HEALTH_PEOPLE = frozenset({"manager", "health_staff"})  # plan checks and read records
HEALTH_PROGRAMME = frozenset({"org_admin", "manager", "assistant", "butler", "health_staff"})
HEALTH_SUMMARY = frozenset({"org_admin", "manager", "health_staff"})
HEALTH_ERASERS = frozenset({"manager"})
HOUSEKEEPING_ADMINS = frozenset({"org_admin", "manager"})
HOUSEKEEPING_EXECUTIVES = frozenset({"exec_housekeeper", "asst_housekeeper"})
ROOM_ATTENDANTS = frozenset({"room_attendant"})
LINEN_ATTENDANTS = frozenset({"linen_attendant"})
HOTEL_STAFF = HOTEL_LEADS | ROOM_ATTENDANTS | LINEN_ATTENDANTS
HOUSEKEEPING_VIEWERS = HOTEL_STAFF | HOUSEKEEPING_ADMINS | {"front_desk"}
HOUSEKEEPING_OFFICE = HOUSEKEEPING_EXECUTIVES | {"org_admin"}  # keys and evaluations
# service_desk, paid_services, events
MANAGERS = frozenset({"org_admin", "manager"})
MANAGERS_AND_ASSISTANTS = MANAGERS | {"assistant"}
MANAGERS_AND_BUTLERS = MANAGERS | {"butler"}
OFFICE_BUT_FRONT_DESK = OFFICE_ROLES - {"front_desk"}
# Who the demo data's requests and orders are taken by.
DEMO_STAFF = frozenset({"butler", "manager"})
