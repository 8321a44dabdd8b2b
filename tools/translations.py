"""Keep the translation catalogues in step with the code.

    .venv/bin/python tools/translations.py update   # extract with pylupdate6 into every .ts
    .venv/bin/python tools/translations.py status   # per language: translated, left to do

`update` runs Qt's pylupdate6 over the app and the command line (the simulator speaks for the
server, not for xapiman, and is left out) and writes xapiman/resources/translations/
xapiman_<lang>.ts, keeping the translations already made and dropping the strings the code no
longer has. Translate the new ones with Qt Linguist or any text editor.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO / "xapiman"
CATALOGUES = SOURCES / "resources" / "translations"
EXCLUDE = ("sim/*", "*/sim/*")
LANGUAGES = ("fr",)


def pylupdate() -> str:
    found = shutil.which("pylupdate6") or str(Path(sys.executable).parent / "pylupdate6")
    if not Path(found).exists():
        raise SystemExit("pylupdate6 is missing (it comes with PyQt6: run ./dev setup)")
    return found


def update() -> None:
    CATALOGUES.mkdir(parents=True, exist_ok=True)
    for lang in LANGUAGES:
        target = CATALOGUES / f"xapiman_{lang}.ts"
        command = [pylupdate(), "--no-obsolete"]
        for pattern in EXCLUDE:
            command += ["--exclude", pattern]
        command += ["--ts", str(target), str(SOURCES)]
        subprocess.run(command, check=True, cwd=REPO)
        text = target.read_text(encoding="utf-8")
        # no line numbers: a catalogue changes only when its strings do
        text = "".join(line for line in text.splitlines(keepends=True)
                       if not line.lstrip().startswith("<location "))
        target.write_text(text, encoding="utf-8")
        if 'language="' not in text.split("\n", 3)[2]:
            text = text.replace('<TS version="2.1">', f'<TS version="2.1" language="{lang}">', 1)
            target.write_text(text, encoding="utf-8")


def status() -> int:
    sys.path.insert(0, str(REPO))
    from xapiman.catalogue import read_ts

    worst = 0
    for path in sorted(CATALOGUES.glob("xapiman_*.ts")):
        text = path.read_text(encoding="utf-8")
        total = text.count("<message")
        left = text.count('type="unfinished"')
        catalogue = read_ts(path)
        print(f"{path.name}: {total - left} of {total} translated "
              f"({len(catalogue.messages)} usable), {left} left")
        worst = max(worst, left)
    return 1 if worst else 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        update()
        return status()
    if argv[:1] == ["status"]:
        return status()
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
