"""The SDK compatibility smoke script (run by hand against openai 2.x) keeps working with the installed SDK."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).with_name("sdk_compat_smoke.py")


def test_compat_smoke_script_passes_with_the_installed_sdk() -> None:
    done = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "all flows OK" in done.stdout
