"""First-party plugins, one folder each.

``FIRST_PARTY`` lists them, in the order their navigation items are offered; the
application factory hands it to the plugin host. Adding a first-party plugin means adding
its folder and one line here, and touching no file of the core.
"""

FIRST_PARTY: tuple[str, ...] = (
    "plugins.service_desk",
    "plugins.paid_services",
    "plugins.fees",
    "plugins.health",
    "plugins.events",
    "plugins.housekeeping",
    "plugins.visits",
    "plugins.surveys",
    "plugins.care",
    "plugins.inspections",
    "plugins.handover",
    "plugins.maintenance",
)
