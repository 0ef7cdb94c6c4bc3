"""Importing units and residents from CSV and XLSX files: read, check every row, then write.

An upload is read once (``start``) into a table of text cells; a problem with the whole
file (wrong type, too large, unknown columns) refuses it at once. The batch then moves on
one step at a time (``advance``): each step checks the next chunk of rows, so a page can
show progress without threads. When every row is checked and none has a problem,
everything is written in one transaction; from a file with a problem nothing is written.

Rows are matched to what the site already holds by natural keys (units by building code
and unit number; residents by their number, else by name and phone), so importing the
same file twice creates nothing the second time.

The package follows those steps: ``columns`` (what a file may hold), ``reading`` (the
file into a table of text), ``values`` (a parser per kind of cell), ``units`` and
``residents`` (checking and writing their rows), ``batch`` (the steps) and ``templates``
(files to fill in).
"""

from __future__ import annotations

from core.imports.batch import (
    ABANDONED_AFTER,
    CHECKERS,
    CHUNK_ROWS,
    FINISHED,
    KIND_PERMISSIONS,
    MAX_PROBLEMS,
    STATUS_LABELS,
    advance,
    chunk_rows,
    discard_files,
    expire_abandoned,
    problems_of,
    start,
    storage_dir,
)
from core.imports.columns import (
    COLUMNS,
    KIND_LABELS,
    RESIDENT_COLUMNS,
    ROLES,
    UNIT_COLUMNS,
    Column,
)
from core.imports.kinds import CORE_KINDS, KIND_PLUGINS, on_site, register, register_all
from core.imports.reading import (
    EXTENSIONS,
    MAX_BYTES,
    MAX_ROWS,
    OLE_MAGIC,
    ZIP_MAGIC,
    FileProblem,
    Table,
    extension_of,
    read_upload,
)
from core.imports.residents import ImportConflict, ResidentRows
from core.imports.templates import template_csv, template_xlsx
from core.imports.units import UnitRows
from core.imports.values import CellError, Problem, RowReader

__all__ = [
    "ABANDONED_AFTER",
    "CHECKERS",
    "CHUNK_ROWS",
    "CORE_KINDS",
    "COLUMNS",
    "EXTENSIONS",
    "FINISHED",
    "KIND_LABELS",
    "KIND_PERMISSIONS",
    "KIND_PLUGINS",
    "MAX_BYTES",
    "MAX_PROBLEMS",
    "MAX_ROWS",
    "OLE_MAGIC",
    "RESIDENT_COLUMNS",
    "ROLES",
    "STATUS_LABELS",
    "UNIT_COLUMNS",
    "ZIP_MAGIC",
    "CellError",
    "Column",
    "FileProblem",
    "ImportConflict",
    "Problem",
    "ResidentRows",
    "RowReader",
    "Table",
    "UnitRows",
    "advance",
    "chunk_rows",
    "discard_files",
    "expire_abandoned",
    "extension_of",
    "on_site",
    "problems_of",
    "read_upload",
    "register",
    "register_all",
    "start",
    "storage_dir",
    "template_csv",
    "template_xlsx",
]
