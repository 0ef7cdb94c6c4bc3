"""Test support for the core and for any plugin's tests: a pytest plugin.

Load it with ``pytest_plugins = ["core.testing"]`` in a ``conftest.py``. It gives:

- ``app`` (one per session; override ``butler_config`` to add settings, e.g. your plugin
  in ``BUTLER_EXTRA_PLUGINS``), ``client``, ``runner``, ``ctx``, ``csrf_on``, ``make_app``,
  and a clean database after every test (``core.testing.app``);
- ``make``, the factories: ``make.site()``, ``make.user(role=..., site=...)``,
  ``make.estate()``... (``core.testing.factories``);
- ``auth``: ``auth.login(username)``, ``auth.logout()``; ``login(client, username)`` for
  other clients (``core.testing.auth``);
- ``clock`` (``core.testing.clock``), and the suite's clock held at the moment named by
  ``BUTLER_TEST_NOW`` for every test, so that the whole suite can be run on another day;
- the registry through which a plugin joins the permission matrix and the fuzz walk
  (``core.testing.walks``: ``register_world``, ``register_forms``), and the walks
  themselves, imported by the tests that run them: ``core.testing.matrix``
  (``check_permission_matrix(app, plugin)``), ``core.testing.fuzz`` (``check_forms``, which
  needs Hypothesis), on the two-site world of ``core.testing.world``.
"""

# pytest finds fixtures by their names in this module.
from core.testing.app import (  # noqa: F401
    _clean_database,
    app,
    app_config,
    butler_config,
    client,
    csrf_on,
    ctx,
    make,
    make_app,
    runner,
)
from core.testing.auth import Auth, auth, login  # noqa: F401
from core.testing.clock import Clock, _hold_the_suite_clock, clock, suite_moment  # noqa: F401
from core.testing.factories import PASSWORD, Estate, Factory  # noqa: F401
