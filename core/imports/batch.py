"""The batch, step by step: stored on upload, checked a chunk at a time, written at once."""

from __future__ import annotations

import json
import logging
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from core import audit, clock, tenancy
from core.extensions import db
from core.imports.columns import _number
from core.imports.reading import Table, extension_of, read_upload
from core.imports.residents import ImportConflict, ResidentRows
from core.imports.units import UnitRows
from core.imports.values import Problem
from core.models import (
    ImportBatch,
    Site,
    User,
)

log = logging.getLogger(__name__)

CHUNK_ROWS = 500  # rows checked per step; BUTLER_IMPORT_CHUNK_ROWS overrides it
MAX_PROBLEMS = 1000  # checking stops here: nobody reads further, and the report stays small
KIND_PERMISSIONS = {"units": "buildings.edit", "residents": "residents.edit"}
FINISHED = ("invalid", "done", "failed")
ABANDONED_AFTER = timedelta(days=1)

STATUS_LABELS = {
    "validating": _l("Checking"),
    "invalid": _l("Not imported: problems found"),
    "importing": _l("Saving"),
    "done": _l("Imported"),
    "failed": _l("Failed"),
}

CHECKERS = {"units": UnitRows, "residents": ResidentRows}


def storage_dir() -> Path:
    """Where uploads wait while they are checked: under the instance folder, not served."""
    configured = current_app.config.get("BUTLER_IMPORT_DIR") or os.environ.get("BUTLER_IMPORT_DIR")
    folder = Path(configured) if configured else Path(current_app.instance_path) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _files(batch: ImportBatch) -> tuple[Path, Path]:
    """The uploaded file as it came, and its cells as read (what the steps use)."""
    folder = storage_dir()
    ext = extension_of(batch.filename)
    return folder / f"{batch.id}.{ext}", folder / f"{batch.id}.cells.json"


def start(site: Site, user: User, kind: str, filename: str, data: bytes) -> ImportBatch:
    """A new batch for an uploaded file, stored for the steps; ``FileProblem`` if refused.

    The caller commits.
    """
    table = read_upload(data, filename, kind)
    expire_abandoned(site)
    batch = ImportBatch(
        site_id=site.id,
        kind=kind,
        filename=filename[-200:],
        status="validating",
        total_rows=len(table.rows),
        processed_rows=0,
        problems="",
        created_by_id=user.id,
    )
    db.session.add(batch)
    db.session.flush()
    original, cells = _files(batch)
    for path, content in ((original, data), (cells, table.to_json().encode("utf-8"))):
        path.write_bytes(content)
        path.chmod(0o600)
    return batch


def expire_abandoned(site: Site) -> None:
    """End the site's imports left unchecked for a day (a closed tab), and drop their files."""
    stale = db.session.scalars(
        tenancy.select(ImportBatch, site=site).where(
            ImportBatch.status == "validating",
            ImportBatch.created_at < clock.now() - ABANDONED_AFTER,
        )
    ).all()
    for batch in stale:
        batch.status = "failed"
        batch.finished_at = clock.now()
        batch.problems = json.dumps(
            [
                Problem(
                    None,
                    "",
                    _("Left unfinished for a day, so nothing was imported. Upload it again."),
                ).as_dict()
            ],
            ensure_ascii=False,
        )
        discard_files(batch)


def discard_files(batch: ImportBatch) -> None:
    for path in _files(batch):
        path.unlink(missing_ok=True)


def problems_of(batch: ImportBatch) -> list[dict[str, Any]]:
    return json.loads(batch.problems) if batch.problems else []


def chunk_rows() -> int:
    return int(current_app.config.get("BUTLER_IMPORT_CHUNK_ROWS", CHUNK_ROWS))


def advance(batch: ImportBatch, site: Site, user: User) -> None:
    """Do the next step of ``batch``: check the next chunk of rows, or write them all.

    Commits. Two requests racing for the same step (a double click, two tabs) cannot both
    do it: each step is claimed by an UPDATE that only matches the state it started from.
    """
    if batch.status != "validating":
        return
    cells_file = _files(batch)[1]
    if not cells_file.exists():
        _finish(
            batch,
            "failed",
            [Problem(None, "", _("The uploaded file is gone from the server. Upload it again."))],
        )
        return
    table = Table.from_json(cells_file.read_text("utf-8"))
    if batch.processed_rows < batch.total_rows:
        _check_next(batch, site, table)
    else:
        _write(batch, site, user, table)


def _check_next(batch: ImportBatch, site: Site, table: Table) -> None:
    begin = batch.processed_rows
    end = min(begin + chunk_rows(), batch.total_rows)
    found, _records = CHECKERS[batch.kind](site, table).check(begin, end)
    problems = problems_of(batch) + [p.as_dict() for p in found]
    status, finished_at = "validating", None
    if len(problems) >= MAX_PROBLEMS:
        problems = problems[:MAX_PROBLEMS]
        problems.append(
            Problem(
                None,
                "",
                _(
                    "Checking stopped after %(count)s problems: correct these and upload "
                    "the file again.",
                    count=_number(MAX_PROBLEMS),
                ),
            ).as_dict()
        )
        status, finished_at = "invalid", clock.now()
    elif end == batch.total_rows and problems:
        status, finished_at = "invalid", clock.now()
    claimed = db.session.execute(
        update(ImportBatch)
        .where(
            ImportBatch.id == batch.id,
            ImportBatch.status == "validating",
            ImportBatch.processed_rows == begin,
        )
        .values(
            processed_rows=end,
            problems=json.dumps(problems, ensure_ascii=False) if problems else "",
            status=status,
            finished_at=finished_at,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    db.session.refresh(batch)
    if claimed and status == "invalid":
        discard_files(batch)


def _write(batch: ImportBatch, site: Site, user: User, table: Table) -> None:
    """Check the whole file once more and write it in one transaction, or nothing."""
    claimed = db.session.execute(
        update(ImportBatch)
        .where(
            ImportBatch.id == batch.id,
            ImportBatch.status == "validating",
            ImportBatch.processed_rows == ImportBatch.total_rows,
        )
        .values(status="importing")
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        db.session.rollback()
        db.session.refresh(batch)
        return
    # Until this transaction commits, other requests still see "validating"; a second
    # step waits on the row lock and then finds nothing left to claim.
    rows = CHECKERS[batch.kind](site, table, writing=True)
    try:
        problems, records = rows.check(0, len(table.rows))
        if problems:
            # Something changed since the rows were checked (a building archived, a
            # resident added by a colleague): report it like any other problem.
            db.session.rollback()
            _finish(batch, "invalid", problems[:MAX_PROBLEMS])
            return
        created, updated = rows.write(records, batch, user)
        db.session.flush()
    except ImportConflict as conflict:
        db.session.rollback()
        _finish(
            batch,
            "invalid",
            [
                Problem(
                    conflict.row,
                    table.headers.get("name", "name"),
                    _("Row %(row)s also updates this resident.", row=conflict.earlier),
                )
            ],
        )
        return
    except Exception:  # noqa: BLE001 - whatever failed, nothing may stay half-written
        # Roll back first: until then the failed session cannot even read batch.id.
        db.session.rollback()
        log.exception("import %s failed while writing", batch.id)
        _finish(
            batch,
            "failed",
            [
                Problem(
                    None,
                    "",
                    _(
                        "Saving failed, so nothing was imported. Someone may have changed the "
                        "same records meanwhile: upload the file again."
                    ),
                )
            ],
        )
        return
    batch.status = "done"
    batch.created_rows = created
    batch.updated_rows = updated
    batch.finished_at = clock.now()
    audit.record(
        "import.done",
        batch,
        detail={
            "kind": batch.kind,
            "rows": batch.total_rows,
            "created": created,
            "updated": updated,
            "unchanged": batch.total_rows - created - updated,
        },
        site=site,
        user=user,
    )
    db.session.commit()
    discard_files(batch)


def _finish(batch: ImportBatch, status: str, problems: list[Problem]) -> None:
    """End ``batch`` with ``status`` and its problems (in a transaction of its own)."""
    db.session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch.id, ImportBatch.status == "validating")
        .values(
            status=status,
            problems=json.dumps([p.as_dict() for p in problems], ensure_ascii=False),
            finished_at=clock.now(),
        )
        .execution_options(synchronize_session=False)
    )
    if status == "failed":
        audit.record("import.failed", batch, detail={"kind": batch.kind}, site=None)
    db.session.commit()
    db.session.refresh(batch)
    discard_files(batch)
