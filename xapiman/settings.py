"""What the desktop app remembers between runs (window, tree view, answers to "do not ask
again", search columns and saved searches, language), as JSON in the config folder.

No Qt here: values are plain JSON (the window's geometry arrives as base64 text). Reading
happens once at start-up; writing happens on a thread of its own, a moment after the last
change, atomically, so the GUI thread never waits for the disk. A damaged file is kept aside
(`settings.json.broken`) and the app starts with the defaults, saying so once.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from xapiman.atomic import atomic_write_text
from xapiman.i18n import translate
from xapiman.pools.profiles import default_config_dir

log = logging.getLogger("xapiman.settings")

FILE_NAME = "settings.json"
SAVE_DELAY_S = 0.5  # writes of a burst of changes are merged into one


class Settings:
    """Key -> JSON value, loaded from and saved to `folder/settings.json`.

    Attributes:
        path: the file; load_error: a sentence for the user when the file was unreadable.
    """

    def __init__(self, folder: str | Path | None = None, *, delay: float = SAVE_DELAY_S) -> None:
        self.path = Path(folder if folder is not None else default_config_dir()) / FILE_NAME
        self.load_error = ""
        self._values: dict[str, Any] = {}
        self._delay = delay
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._written: Callable[[], None] | None = None

    # -- reading ----------------------------------------------------------------------------

    def load(self) -> Settings:
        """Read the file (absent: defaults; damaged: defaults, the file kept aside)."""
        self.load_error = ""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return self
        except (OSError, UnicodeDecodeError) as exc:
            self.load_error = translate(
                "Settings", "The settings in {path} could not be read ({error}); the defaults "
                "are used.").format(path=self.path, error=exc)
            return self
        try:
            values = json.loads(text)
            if not isinstance(values, dict):
                raise ValueError("not a JSON object")
        except ValueError as exc:
            aside = self.path.with_name(self.path.name + ".broken")
            try:
                self.path.replace(aside)
            except OSError:
                aside = self.path
            self.load_error = translate(
                "Settings", "The settings file was damaged ({error}) and is kept as {path}; "
                "the defaults are used.").format(error=exc, path=aside)
            return self
        with self._lock:
            self._values = values
        return self

    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            value = self._values.get(key, default)
        if default is not None and value is not None and not isinstance(value, type(default)):
            return default  # a hand-edited value of the wrong kind reads as the default
        return value

    # -- writing ----------------------------------------------------------------------------

    def set(self, key: str, value: Any) -> None:
        """Change a value; the file is written shortly after, off the caller's thread."""
        json.dumps(value)  # refuse what could not be saved, at once and at the caller
        with self._lock:
            if self._values.get(key, _MISSING) == value:
                return
            self._values[key] = value
            self._schedule()

    def remove(self, key: str) -> None:
        with self._lock:
            if self._values.pop(key, _MISSING) is not _MISSING:
                self._schedule()

    def _schedule(self) -> None:
        """Under the lock: write a moment from now, unless a write is already due."""
        if self._timer is None:
            self._timer = threading.Timer(self._delay, self._write_pending)
            self._timer.name = "save settings"
            self._timer.daemon = True
            self._timer.start()

    def flush(self) -> None:
        """Write pending changes now (the app calls it as it quits)."""
        with self._lock:
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
            self._write()

    def on_written(self, callback: Callable[[], None] | None) -> None:
        """Tell `callback` (on the writing thread) each time the file was written."""
        self._written = callback

    def _write_pending(self) -> None:
        with self._lock:
            if self._timer is None:
                return  # flushed meanwhile
            self._timer = None
        self._write()

    def _write(self) -> None:
        with self._lock:
            text = json.dumps(self._values, indent=1, sort_keys=True, ensure_ascii=False)
        try:
            atomic_write_text(self.path, text + "\n")
        except OSError as exc:
            log.warning("could not save the settings to %s: %s", self.path, exc)
            return
        if self._written is not None:
            self._written()


_MISSING = object()
