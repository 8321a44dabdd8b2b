"""Test-wide settings: offscreen Qt, a skipped test fails under CI=true, and a test fails
when something is logged at ERROR level that it did not expect (see `log_errors`).

Python warnings are errors and Qt warnings fail the test (pyproject.toml: filterwarnings,
qt_log_level_fail). XenAPI sessions a test opens are closed when it ends.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from pathlib import Path

import pytest
import XenAPI

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


# -- logged errors -----------------------------------------------------------------------------

class LogErrors(logging.Handler):
    """Records logged at ERROR or above during one test; unexpected ones fail it.

    A test that provokes an error on purpose says so: `log_errors.expect("could not save")`
    (a regular expression searched in the message); an expected error that never comes fails
    the test too.
    """

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []
        self.expected: list[re.Pattern[str]] = []
        self._lock_records = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        with self._lock_records:
            self.records.append(record)

    def expect(self, pattern: str) -> None:
        self.expected.append(re.compile(pattern))

    def problems(self) -> list[str]:
        with self._lock_records:
            records = list(self.records)
        messages = [f"{r.name} {r.levelname}: {r.getMessage()}" for r in records]
        unexpected = [m for m in messages if not any(p.search(m) for p in self.expected)]
        missing = [p.pattern for p in self.expected if not any(p.search(m) for m in messages)]
        return ([f"logged: {m}" for m in unexpected]
                + [f"expected an error log matching {p!r}; none came" for p in missing])


@pytest.fixture(autouse=True)
def log_errors() -> object:
    """Fails the test when anything is logged at ERROR or above that it did not expect."""
    handler = LogErrors()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
    problems = handler.problems()
    if problems:
        pytest.fail("errors were logged during the test:\n  " + "\n  ".join(problems),
                    pytrace=False)


# -- XenAPI sessions ---------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _close_xenapi_sessions(monkeypatch) -> object:
    """Close the HTTP connection of every XenAPI session the test opened (XenAPI keeps it
    open for the session's lifetime and has no way to use a session as a context)."""
    opened: list[XenAPI.Session] = []
    init = XenAPI.Session.__init__

    def tracked_init(self, *args, **kwargs) -> None:
        init(self, *args, **kwargs)
        opened.append(self)

    monkeypatch.setattr(XenAPI.Session, "__init__", tracked_init)
    yield
    for session in opened:
        session("close")()
