"""Test support for the core and for any plugin's tests: a pytest plugin.

Load it with ``pytest_plugins = ["core.testing"]`` in a ``conftest.py``. It gives the
``clock`` fixture (``core.testing.clock``) and holds the suite's clock at the moment named
by ``BUTLER_TEST_NOW`` for every test, so that the whole suite can be run on another day.
"""

# pytest finds fixtures by their names in this module.
from core.testing.clock import Clock, _hold_the_suite_clock, clock, suite_moment  # noqa: F401
