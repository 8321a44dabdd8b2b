"""The translation catalogues (Qt Linguist .ts files, read directly) and the choice of the
language, for the desktop app and the command line alike (no Qt here).

The catalogues live in `xapiman/resources/translations/xapiman_<lang>.ts`; `tools/
translations.py` extracts the strings with Qt's pylupdate6 and checks them. A catalogue is a
small XML file: reading it at start takes a few milliseconds, so no compiled .qm file is
needed. Finished and unfinished translations are used; obsolete ones are not.
"""

from __future__ import annotations

import locale
import os
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from xapiman import i18n

TRANSLATIONS = Path(__file__).resolve().parent / "resources" / "translations"
SOURCE_LANGUAGE = "en"
NATIVE_NAMES = {"en": "English", "fr": "Français", "de": "Deutsch", "es": "Español",
                "it": "Italiano", "ja": "日本語", "zh": "中文"}


@dataclass
class Catalogue:
    """(context, source text) -> translation (plural forms as a tuple)."""

    language: str
    messages: dict[tuple[str, str], str] = field(default_factory=dict)
    plurals: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)

    def translate(self, context: str, text: str, disambiguation: str | None = None,
                  n: int = -1) -> str:
        key = (context, text)
        if n >= 0 and key in self.plurals:
            forms = self.plurals[key]
            return forms[plural_index(self.language, n, len(forms))]
        return self.messages.get(key) or text


def plural_index(language: str, n: int, count: int) -> int:
    """Which plural form `n` takes (French: 0 and 1 singular; English: only 1)."""
    singular = n in (0, 1) if language == "fr" else n == 1
    return 0 if singular or count < 2 else 1


def read_ts(path: Path, language: str | None = None) -> Catalogue:
    """The catalogue of a .ts file; ValueError when it is not one."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise ValueError(f"{path}: {exc}") from None
    if root.tag != "TS":
        raise ValueError(f"{path}: not a Qt Linguist catalogue")
    lang = language or (root.get("language") or "").split("_")[0] or "?"
    catalogue = Catalogue(lang)
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source")
            node = message.find("translation")
            if source is None or node is None or node.get("type") in ("obsolete", "vanished"):
                continue
            forms = [f.text or "" for f in node.findall("numerusform")]
            if forms:
                if all(forms):
                    catalogue.plurals[(name, source)] = tuple(forms)
                    catalogue.messages[(name, source)] = forms[0]
            elif node.text:
                catalogue.messages[(name, source)] = node.text
    return catalogue


def available_languages(folder: Path = TRANSLATIONS) -> list[tuple[str, str]]:
    """(code, name in that language) for English and every catalogue present."""
    codes = {SOURCE_LANGUAGE}
    if folder.is_dir():
        codes |= {p.stem.split("_", 1)[1] for p in folder.glob("xapiman_*.ts")}
    return [(code, NATIVE_NAMES.get(code, code)) for code in sorted(codes)]


def desktop_language(environ: Mapping[str, str] | None = None) -> str:
    """The user's language as the desktop sets it (LANGUAGE, LC_ALL, LC_MESSAGES, LANG)."""
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        for part in value.split(":"):
            code = part.split(".")[0].split("@")[0].split("_")[0].lower()
            if code and code not in ("c", "posix"):
                return code
        if value and name != "LANGUAGE":
            break  # a set LC_ALL / LC_MESSAGES / LANG of "C" means English
    if environ is None:
        code = (locale.getlocale(locale.LC_MESSAGES)[0] or "").split("_")[0].lower()
        if code and code not in ("c", "posix"):
            return code
    return SOURCE_LANGUAGE


def choose_language(wanted: str | None = None,
                    environ: Mapping[str, str] | None = None) -> str:
    """The language to speak: `wanted` when a catalogue has it (or English), else the
    desktop's when one does, else English."""
    known = {code for code, _name in available_languages()}
    for candidate in (wanted, desktop_language(environ)):
        if candidate:
            code = candidate.replace("-", "_").split("_")[0].lower()
            if code in known:
                return code
    return SOURCE_LANGUAGE


def install_language(code: str) -> Catalogue | None:
    """Route `i18n.translate` through the catalogue of `code` (English: no catalogue)."""
    if code == SOURCE_LANGUAGE:
        i18n.install(None)
        return None
    path = TRANSLATIONS / f"xapiman_{code}.ts"
    try:
        catalogue = read_ts(path, code)
    except ValueError:
        i18n.install(None)
        return None
    i18n.install(catalogue.translate)
    return catalogue
