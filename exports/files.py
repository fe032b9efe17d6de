"""File modes for what the export writes.

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
