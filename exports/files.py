"""Where the export writes, and with which file mode.

``check_output_target`` is the one check of a target path that the workbook and the bundle share.

Temporary files (``tempfile.mkstemp``) are created readable by their owner only (0600); renamed
into place they would keep that, and a pack meant to be handed over would not open for a colleague
or a shared folder's other users. The finished file gets the mode a newly created file gets here:
0666 less the process umask. The umask is read from ``/proc/self/status`` (Linux) rather than set
and restored with ``os.umask``, which is process-wide and would race with other threads creating
files; elsewhere the common 022 is assumed.
"""

from __future__ import annotations

import os
from pathlib import Path

from exports.errors import ExportError

DEFAULT_UMASK = 0o022


def current_umask() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return DEFAULT_UMASK


def give_default_mode(path: str | os.PathLike[str]) -> None:
    """Set ``path`` to the mode a new file gets (0666 less the umask)."""
    os.chmod(path, 0o666 & ~current_umask())


def check_output_target(
    path: str | os.PathLike[str], *, suffix: str, what: str, snapshot_path: Path | None = None
) -> Path:
    """The target, or an ExportError saying why ``what`` (e.g. "an evidence bundle") cannot be written there:
    a name not ending in ``suffix``, a folder, a missing or read-only folder, a read-only file, or the
    snapshot itself (``snapshot_path``, when known)."""
    target = Path(path)
    if target.suffix.lower() != suffix:
        raise ExportError(f"{target}: {what}'s name ends in {suffix}")
    if target.is_dir():
        raise ExportError(f"{target}: is a folder; give a file name")
    parent = target.parent
    if not parent.is_dir():
        raise ExportError(f"{target}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ExportError(f"{target}: folder {parent} is not writable")
    if target.exists() and not os.access(target, os.W_OK):
        raise ExportError(f"{target}: the file exists and is read-only")
    if snapshot_path is not None and target.exists() and target.resolve() == snapshot_path.resolve():
        raise ExportError(f"{target}: that is the snapshot; the snapshot is never written")
    return target
