"""Tests of the first-party plugins, a folder each.

Besides its tests, a plugin's folder holds its part of the suite-wide walks, registered
with ``core.testing.walks`` and loaded through ``pytest_plugins`` in ``tests/conftest.py``:

- ``world.py``: ``register_world(NAME, fill)``, where ``fill(site, ids) -> dict[str, int]``
  adds the plugin's objects to a site of the security world (``tests/security/conftest.py``)
  and turns the plugin on; it returns the ids its URL arguments take. Optional
  ``fixed_arguments=`` (non-id URL arguments) and ``variants=`` (arguments whose every
  value is walked).
- ``fuzz.py``: ``register_forms(NAME, forms)``, where ``forms(kit) -> dict[str, Form]``
  gives the plugin's entries of the fuzzing table of ``tests/security/test_fuzz.py``
  (``kit`` is that module: ``kit.Form``, ``kit.TEXT``, ``kit.log_in_as``...).
"""
