"""Where a sweep's results go: small part files as runs finish, one file at the end.

Finished runs are buffered and written every few seconds as a part file in a hidden
folder beside the output (``.<name>.parts/``), each written to a temporary name and
renamed, so a kill never leaves a half-written file. A manifest records what the sweep
is, so ``--resume`` can refuse a different sweep. When every run is in, the parts are
merged into the output file (again temporary + rename) one part at a time, so memory
stays flat however many runs there are.
"""

import json
import os
import shutil
import time
import uuid
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from model.params import ParameterError


class ResultStore:
    """Part files for one output table (``path``, a .parquet file)."""

    #: Key of the manifest in the finished file's Parquet metadata.
    MANIFEST_KEY = b"catallaxy.sweep"

    def __init__(self, path: Path, flush_every: float = 2.0):
        self.path = Path(path)
        self.manifest = ""
        self.parts = self.path.with_name(f".{self.path.name}.parts")
        self.flush_every = flush_every
        self._buffer: list[pd.DataFrame] = []
        self._last_flush = time.monotonic()

    # life cycle ------------------------------------------------------------------
    def open(self, manifest: dict, resume: bool) -> set[int]:
        """Prepare the folder; return the run ids already done (on resume)."""
        recorded = self.parts / "manifest.json"
        self.manifest = json.dumps(manifest, indent=1, default=str)
        if not resume:
            if self.path.exists() or self.parts.exists():
                raise ParameterError(
                    f"{self.path} already has results; use --resume to finish it, or remove it first"
                )
            self.parts.mkdir(parents=True)
            _atomic_write_text(recorded, self.manifest)
            return set()
        if self.parts.exists():
            if not recorded.exists():
                raise ParameterError(f"{self.parts} has part files but no manifest.json, so it cannot be checked "
                                     f"against this sweep; move the folder away to start over")
            before = recorded.read_text()
        elif self.path.exists():  # finished earlier
            before = (pq.read_schema(self.path).metadata or {}).get(self.MANIFEST_KEY, b"").decode()
        else:
            raise ParameterError(f"nothing to resume at {self.path}")
        if before != self.manifest:
            raise ParameterError(f"{self.path} holds a different sweep; --resume needs the same arguments")
        if not self.parts.exists():
            self.parts.mkdir(parents=True)
            _atomic_write_text(recorded, self.manifest)
        return self.done()

    def done(self) -> set[int]:
        """The run ids already stored, in the part files and in a finished output."""
        ids: set[int] = set()
        for part in self._part_files() + ([self.path] if self.path.exists() else []):
            ids.update(_read(part, columns=["run_id"]).column("run_id").to_pylist())
        return ids

    def add(self, rows: pd.DataFrame) -> None:
        self._buffer.append(rows)
        if time.monotonic() - self._last_flush >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        if self._buffer:
            frame = pd.concat(self._buffer, ignore_index=True)
            target = self.parts / f"part-{time.time_ns()}-{uuid.uuid4().hex[:8]}.parquet"
            tmp = target.with_name(f".{target.name}.tmp")
            frame.to_parquet(tmp, index=False)
            os.replace(tmp, target)
            self._buffer = []
        self._last_flush = time.monotonic()

    def close(self, sort: bool = True) -> Path:
        """Merge everything into ``path`` and remove the parts.

        Parts may hold different columns (grid points of a scenario report different ones,
        e.g. ``utility:3`` only with four bidders or more): the merge takes the union of the
        columns, missing values null. With ``sort`` (the one-row-per-run table) the rows are
        ordered by run_id; without it (the per-step table, which can be large) parts are
        copied one at a time. The parts are removed only once the output is in place, so a
        failed merge loses nothing and a resume merges again.
        """
        self.flush()
        sources = self._part_files() + ([self.path] if self.path.exists() else [])
        if not sources:
            shutil.rmtree(self.parts, ignore_errors=True)
            return self.path
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        try:
            schema = pa.unify_schemas([_read(p, schema_only=True) for p in sources], promote_options="permissive")
            if sort:
                merged = pa.concat_tables([_conform(_read(p), schema) for p in sources]).sort_by("run_id")
                pq.write_table(self._with_manifest(merged.schema, merged), tmp)
            else:
                with pq.ParquetWriter(tmp, self._with_manifest(schema)) as writer:
                    for source in sources:
                        writer.write_table(_conform(_read(source), schema))
            os.replace(tmp, self.path)
        finally:
            tmp.unlink(missing_ok=True)
        shutil.rmtree(self.parts, ignore_errors=True)
        return self.path

    def _with_manifest(self, schema: pa.Schema, table: pa.Table | None = None):
        """Record the manifest in the Parquet metadata, so a finished sweep can be resumed."""
        schema = schema.with_metadata({**(schema.metadata or {}), self.MANIFEST_KEY: self.manifest.encode()})
        return schema if table is None else table.replace_schema_metadata(schema.metadata)

    def _part_files(self) -> list[Path]:
        return sorted(self.parts.glob("part-*.parquet")) if self.parts.exists() else []


def _read(path: Path, columns=None, schema_only: bool = False):
    """A part (or output) file, its schema alone, or a ParameterError naming a corrupt file."""
    try:
        if schema_only:
            return pq.read_schema(path).remove_metadata()
        return pq.read_table(path, columns=columns)
    except pa.ArrowInvalid as err:   # not Parquet, or cut short; an OSError is a storage fault
        raise ParameterError(f"cannot read the sweep's results in {path}: {err}; remove that file and resume "
                             "to run its runs again") from None


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with ``schema``'s columns in its order: missing ones null, types promoted."""
    columns = [table.column(f.name).cast(f.type) if f.name in table.column_names else pa.nulls(len(table), f.type)
               for f in schema]
    return pa.Table.from_arrays(columns, schema=schema)


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)
