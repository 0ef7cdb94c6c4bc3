"""Where the application's own files are: in a checkout, or inside an installed wheel.

In the checkout the core's templates and catalogues stay at the top level
(``templates/``, ``translations/``), as the product owner asked. A wheel cannot install
top-level folders of that name, so the build (``setup.py``) copies them into the package
as ``core/bundle/templates`` and ``core/bundle/translations``; when those exist they win.
Nothing here depends on the current directory.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent
BUNDLE = PACKAGE / "bundle"


def installed() -> bool:
    """True when the core runs from a built wheel rather than from the checkout."""
    return BUNDLE.is_dir()


def app_folder(name: str) -> Path:
    """The folder ``templates`` or ``translations`` of the core, wherever it lives."""
    return BUNDLE / name if installed() else CHECKOUT / name


def instance_folder() -> Path:
    """The folder for the SQLite database, the generated secret key and uploads.

    ``BUTLER_INSTANCE_PATH`` when set; else ``instance/`` of the checkout; else, when
    installed, ``var/butler-instance`` under the Python environment's prefix (as Flask
    does for an installed application).
    """
    configured = os.environ.get("BUTLER_INSTANCE_PATH", "").strip()
    if configured:
        return Path(configured).expanduser().resolve()
    if installed():
        return Path(sys.prefix) / "var" / "butler-instance"
    return CHECKOUT / "instance"
