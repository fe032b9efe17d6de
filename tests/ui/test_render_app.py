"""Drawing the bundle's images first must not stop a later window in the same process.

Qt has one application object per process: under a bare QGuiApplication, creating a widget aborts
the process (the full test run died with SIGABRT in the collect wizard after an export test had
rendered images). ensure_gui_application therefore makes a QApplication. Checked in a fresh process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
from ui.render.drawing import ensure_gui_application
from PySide6.QtWidgets import QApplication, QWidget
app = ensure_gui_application()
assert isinstance(app, QApplication), type(app)
w = QWidget()
w.resize(10, 10)
print("widget made")
"""


def test_a_widget_can_be_made_after_rendering_started_the_application() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "widget made" in done.stdout
