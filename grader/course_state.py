"""What release wrote into a course, so that it never overwrites what the instructor changed since.

DIR/.backprop-course/release.json holds a sha256 per file release wrote ({"files": {relative path:
digest}}). A source notebook whose bytes still have the recorded digest is release's to update; one
that differs was edited by the instructor and is kept. Backups of replaced files go to
DIR/.backprop-course/backups/ (never under source/, whose files nbgrader copies to the students).
"""
import datetime
import hashlib
import json
import shutil
from pathlib import Path

from .report_files import atomic_write

STATE = Path(".backprop-course") / "release.json"
BACKUPS = Path(".backprop-course") / "backups"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def written(root: Path) -> dict[str, str]:
    """{path relative to root: digest} of the files release last wrote there."""
    try:
        data = json.loads((root / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def record(root: Path, files: dict[str, bytes]) -> None:
    """Remember the digests of files ({relative path: bytes written}), keeping the others'."""
    state = written(root)
    state.update({path: digest(data) for path, data in files.items()})
    atomic_write(root / STATE, json.dumps({"files": dict(sorted(state.items()))}, indent=1) + "\n")


def edited(root: Path, relative: str) -> bool:
    """Whether root/relative exists and is not what release last wrote there (no record: edited,
    since release cannot tell a change from an older version of its own)."""
    path = root / relative
    if not path.is_file():
        return False
    return written(root).get(relative) != digest(path.read_bytes())


def back_up(root: Path, relative: str) -> Path:
    """Copy root/relative to a dated file under DIR/.backprop-course/backups/; return its path."""
    source = root / relative
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = root / BACKUPS / Path(relative).parent / f"{source.stem}.{stamp}{source.suffix}"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    return target
