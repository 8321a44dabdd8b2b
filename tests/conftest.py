"""Test-wide settings: offscreen Qt, and a skipped test fails under CI=true."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Widget tests never need a display; qasync and pytest-qt must agree on the binding.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyqt6")

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
ARTIFACTS = REPO / "artifacts"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("CI") == "true" and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = (
            f"skipped under CI=true, where everything a test needs must be installed: {reason}"
        )


@pytest.fixture(autouse=True)
def _private_config_dir(tmp_path_factory: pytest.TempPathFactory,
                        monkeypatch: pytest.MonkeyPatch) -> Path:
    """Profiles and known hosts go to a folder of the test's own, never the user's (child
    processes inherit it through the environment)."""
    folder = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("XAPIMAN_CONFIG_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only reference folder beside the repository (skips when absent)."""
    if not SHARED.is_dir():
        pytest.skip(f"the shared reference folder {SHARED} is absent")
    return SHARED


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
