"""The app in French: the catalogue is complete and keeps every value and accelerator, and the
window's menus, tabs, actions and reasons read in French once the language is installed."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication, QLabel

from tests.gui.fixtures import (  # noqa: F401 (app_fixture, loop_fixture: fixtures)
    App,
    app_fixture,
    loop_fixture,
    user_vms,
)
from xapiman.catalogue import TRANSLATIONS, read_ts
from xapiman.gui.translation import install_translation
from xapiman.sim.synth import generate_pool
from xapiman.sim.testing import running_pool

pytestmark = pytest.mark.gui

FIELD = re.compile(r"\{[^{}]*\}")


def test_the_french_catalogue_is_complete_and_keeps_the_values() -> None:
    path = TRANSLATIONS / "xapiman_fr.ts"
    text = path.read_text(encoding="utf-8")
    assert 'type="unfinished"' not in text
    catalogue = read_ts(path)
    assert len(catalogue.messages) == text.count("<message")
    for (context, source), french in catalogue.messages.items():
        assert sorted(FIELD.findall(french)) == sorted(FIELD.findall(source)), (context, source)
        if "&" in source.replace("&&", ""):  # a menu or button accelerator stays one
            assert "&" in french, (context, source)


@pytest.fixture
def french() -> Iterator[None]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert install_translation(app, "fr") == "fr"
    try:
        yield
    finally:
        install_translation(app, "en")


@pytest.fixture
def pool():
    with running_pool(hosts=2, vms=6, tls=True, speed=0,
                      db=generate_pool(2, 6, name="Pool français")) as p:
        yield p


def test_the_window_speaks_french(french, app: App, pool, qtbot) -> None:
    window = app.window
    assert [a.text().replace("&", "") for a in window.menuBar().actions()] == [
        "Fichier", "Affichage", "Pool", "Serveur", "VM", "Stockage", "Modèles", "Outils",
        "Fenêtre", "Aide"]
    app.connect(pool, "Pool français")
    running = user_vms(pool, "Running")[0]
    assert window.select("Pool français", running)
    qtbot.waitUntil(lambda: window.tabs.count() > 0 and
                    window.tabs.tabText(0) == "Général", timeout=15_000)
    tabs = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert tabs[:4] == ["Général", "Mémoire", "vCPU", "Stockage"] and "Recherche" in tabs
    general = window.tabs.widget(0)
    qtbot.waitUntil(lambda: general.findChild(QLabel, "label:Power state") is not None,
                    timeout=15_000)
    assert general.findChild(QLabel, "label:Power state").text() == "État d'alimentation\u00a0:"
    assert general.findChild(QLabel, "value:Power state").text() == "En marche"
    start = window.binder["vm.start"]
    assert start.text() == "Démarrer" and not start.isEnabled()
    assert start.toolTip().startswith("Démarrer\u00a0: Impossible tant que la VM est en marche.")
    assert window.show_tab("Memory") and window.tabs.tabText(window.tabs.currentIndex()) == \
        "Mémoire"  # --tab takes the English name too
    assert window.tasks.headerData(0, Qt.Orientation.Horizontal) == "Tâche"
    assert window.view_box.itemText(0) == "Infrastructure" and \
        window.view_box.itemText(1) == "Objets"
