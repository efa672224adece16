"""A real headless Chromium for the tests, installed from the machine's package manager.

``chromium_path()`` gives /usr/bin/chromium, installing the Debian packages
``chromium`` and ``chromium-driver`` first if they are missing (once; nothing is
downloaded when they are there). Where they cannot be installed the caller skips
with the reason, unless ``EVENTDESK_REQUIRE_BROWSER=1`` (as in CI), where it fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

PACKAGES = ("chromium", "chromium-driver")
CHROMIUM = Path("/usr/bin/chromium")
REQUIRE = "EVENTDESK_REQUIRE_BROWSER"


def _installed() -> str | None:
    if CHROMIUM.exists():
        return str(CHROMIUM)
    return shutil.which("chromium")


def _install() -> str:
    """Install the packages; returns why it could not, or an empty string."""
    apt = shutil.which("apt-get")
    if apt is None:
        return "no apt-get on this machine to install chromium"
    if os.geteuid() != 0:
        return "installing chromium needs root (apt-get)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [apt, "install", "-y", *PACKAGES]
    for commands in ([install], [[apt, "update"], install]):
        done = None
        for command in commands:
            done = subprocess.run(
                command, capture_output=True, text=True, env=env, timeout=900, check=False
            )
            if done.returncode:
                break
        if done is not None and not done.returncode and _installed():
            return ""
    tail = (done.stderr or done.stdout).strip().splitlines()[-1:] if done else []
    return "apt-get could not install chromium: " + (tail[0] if tail else "unknown error")


def chromium_path() -> tuple[str | None, str]:
    """(path to chromium, "") or (None, why there is none)."""
    found = _installed()
    if found:
        return found, ""
    problem = _install()
    return _installed(), problem


def headless(chromium: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run Chromium headless (as root it needs --no-sandbox), logging the page's console
    to standard error."""
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        "--enable-logging=stderr",
        "--log-level=0",
        "--virtual-time-budget=10000",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


def console_messages(stderr: str) -> list[str]:
    """What the page wrote to its console (errors, uncaught exceptions, logs)."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]
