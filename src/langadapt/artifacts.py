"""Run folders, atomic writes, manifests and hashing.

Every artefact is written next to its final place and renamed into it, so a crash leaves either
the old complete artefact or none, never a half-written one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from langadapt.errors import UserError

MANIFEST = "manifest.json"
# Files above this size are fingerprinted by size and mtime instead of a content hash, so a
# re-run over a 100 GB corpus does not spend minutes hashing it.
CONTENT_HASH_LIMIT = 256 * 1024 * 1024
# mkstemp/mkdtemp create private (0600/0700) entries; artefacts get the modes a plain open() or
# mkdir() would give them under the user's umask.
_UMASK = os.umask(0)
os.umask(_UMASK)


@contextlib.contextmanager
def atomic_file(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[Any]:
    """Open a temporary file beside ``path``; on success rename it onto ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_UMASK)
    try:
        with open(tmp, mode, encoding=None if "b" in mode else encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as err:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(err, OSError) and err.errno is not None:
            # name the file the user asked for, not our temporary one
            raise OSError(err.errno, err.strerror or str(err), str(path)) from err
        raise


def write_text_atomic(path: str | Path, text: str) -> None:
    with atomic_file(path) as handle:
        handle.write(text)


def write_json_atomic(path: str | Path, obj: Any) -> None:
    write_text_atomic(path, json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False) + "\n")


def write_jsonl_atomic(path: str | Path, rows: Any) -> int:
    """Write an iterable of dicts as JSONL atomically; returns the number of rows."""
    count = 0
    with atomic_file(path) as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def replace_dir(tmp_dir: Path, final_dir: Path) -> None:
    """Move a finished ``tmp_dir`` onto ``final_dir``, replacing an older version if present.

    The old folder is renamed aside first and deleted only after the new one is in place.
    """
    old = None
    if final_dir.exists():
        old = final_dir.with_name(f".{final_dir.name}.old-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        os.replace(final_dir, old)
    os.replace(tmp_dir, final_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _check_writable(raw: Path, path: Path, option: str) -> None:
    """Refuse a place nothing can be written to, by making (and removing) a probe folder there;
    permission bits alone do not tell (root, read-only mounts, /proc)."""
    ancestor = _nearest_existing(path)
    if not ancestor.is_dir():
        raise UserError(f"{option} {raw}: {ancestor} is a file, so nothing can be made under it")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".langadapt-probe-", dir=ancestor))
    except OSError as err:
        raise UserError(f"{option} {raw}: cannot write in {ancestor} ({err.strerror}); "
                        "choose another place") from None


def check_output(out: str | Path, *, inputs: Iterable[str | Path] = (), overwrite: bool = False,
                 option: str = "--out") -> Path:
    """Refuse an output path that would destroy something, before any work starts.

    Refused: a non-empty folder (or an existing file) unless ``overwrite``; a folder holding any of
    ``inputs`` (or being one), always; a path under a file, an unwritable place. Returns the
    resolved path.
    """
    raw = Path(out).expanduser()
    path = raw.resolve()
    if path.exists() and not path.is_dir():
        raise UserError(f"{option} {raw}: is a file, not a folder; choose a folder path")
    for item in inputs:
        if item is None or "://" in str(item) or not Path(item).expanduser().exists():
            continue  # a hub id or URL: nothing on disk to protect
        source = Path(item).expanduser().resolve()
        if source == path or path in source.parents:
            raise UserError(f"{option} {raw}: holds the input {item}; choose an output folder "
                            "outside your inputs")
    if path.is_dir() and any(path.iterdir()) and not overwrite:
        raise UserError(f"{option} {raw}: folder exists and is not empty; choose a new folder or "
                        "pass --overwrite to replace the files this command writes")
    _check_writable(raw, path, option)
    return path


def check_output_file(out: str | Path, *, inputs: Iterable[str | Path] = (), overwrite: bool = False,
                      option: str = "--out") -> Path:
    """Refuse an output file path that would destroy something, before any work starts.

    Refused: an existing file unless ``overwrite``; an input of the command, always; a folder; a path under a file; an unwritable
    place. Returns the resolved path.
    """
    raw = Path(out).expanduser()
    path = raw.resolve()
    if path.is_dir():
        raise UserError(f"{option} {raw}: is a folder; give a file path")
    for item in inputs:
        if item is not None and "://" not in str(item) and Path(item).expanduser().resolve() == path:
            raise UserError(f"{option} {raw}: is also an input of this command; choose another file")
    if path.exists() and not overwrite:
        raise UserError(f"{option} {raw}: {path.name} exists; choose another path or pass "
                        "--overwrite to replace it")
    _check_writable(raw, path.parent, option)
    return path


@contextlib.contextmanager
def output_dir(out: str | Path, *, inputs: Iterable[str | Path] = (), overwrite: bool = False,
               option: str = "--out") -> Iterator[Path]:
    """A command's output folder under the output policy (see ``check_output``).

    Yields an empty temporary sibling; on success a new folder is renamed into place in one step,
    and with ``overwrite`` into an existing folder only the entries written are replaced (each by
    rename), the user's other files left alone. On failure nothing at ``out`` changes.
    """
    path = check_output(out, inputs=inputs, overwrite=overwrite, option=option)
    with atomic_dir(path, merge=True) as tmp:
        yield tmp


@contextlib.contextmanager
def atomic_dir(final_dir: str | Path, merge: bool = False) -> Iterator[Path]:
    """Yield an empty temporary folder beside ``final_dir``; move it into place on success.

    ``merge``: an existing ``final_dir`` keeps the entries the new folder does not have; the others
    are replaced one by one. Otherwise the whole folder is replaced.
    """
    final_dir = Path(final_dir)
    final_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final_dir.name}.", suffix=".tmp", dir=final_dir.parent))
    os.chmod(tmp, 0o777 & ~_UMASK)
    try:
        yield tmp
        if merge and final_dir.is_dir():
            for entry in sorted(tmp.iterdir()):
                target = final_dir / entry.name
                if entry.is_dir() and not entry.is_symlink():
                    replace_dir(entry, target)
                else:
                    os.replace(entry, target)
            tmp.rmdir()
        else:
            replace_dir(tmp, final_dir)
    except BaseException as err:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(err, OSError) and err.errno is not None:
            raise OSError(err.errno, err.strerror or str(err), str(final_dir)) from err
        raise


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_json(obj: Any) -> str:
    return sha256_bytes(json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str).encode())


def file_fingerprint(path: str | Path) -> str:
    """Content hash of a file (size + mtime for very large ones), or of a folder's files."""
    path = Path(path)
    if path.is_dir():
        parts = {
            str(p.relative_to(path)): file_fingerprint(p)
            for p in sorted(path.rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
        }
        return sha256_json(parts)
    stat = path.stat()
    if stat.st_size > CONTENT_HASH_LIMIT:
        return f"size={stat.st_size},mtime_ns={stat.st_mtime_ns}"
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(stage_dir: str | Path) -> dict[str, Any] | None:
    """The stage's manifest, or None when the folder is absent or not complete."""
    path = Path(stage_dir) / MANIFEST
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return None


def library_versions() -> dict[str, str]:
    """Versions of the libraries whose behaviour shapes an artefact."""
    from importlib import metadata

    from langadapt import __version__

    versions = {"langadapt": __version__}
    for name in ("torch", "transformers", "tokenizers", "datasets", "accelerate", "peft", "trl",
                 "sentencepiece", "sacrebleu", "numpy"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return versions
