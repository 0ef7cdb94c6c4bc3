"""The plugin platform: hook specifications, value types and the host.

A plugin marks its hook implementations with ``@hookimpl``::

    from core.plugins import hookimpl
"""

import pluggy

hookimpl = pluggy.HookimplMarker("butler")
