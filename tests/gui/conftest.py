"""Every GUI test runs with a QApplication (offscreen) and starts with no deferred deletes."""

from __future__ import annotations

import gc

import pytest
from PyQt6.QtCore import QCoreApplication, QEvent


def _flush_deferred_deletes(qapp) -> None:
    """Delete now what earlier tests left to be deleted, at a moment when nothing paints.

    Widgets closed with deleteLater() are deleted only by an event loop at their own level,
    which tests never return to; widgets a finished test left in reference cycles (a page
    and the lambdas connected to its signals) are deleted whenever the cyclic collector
    runs. Either can otherwise happen in the middle of a later test's paint.
    """
    gc.collect()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    qapp.processEvents()


@pytest.fixture(autouse=True)
def _qt_application(qapp):
    _flush_deferred_deletes(qapp)  # widgets pytest-qt closed after the previous test
    yield qapp
    _flush_deferred_deletes(qapp)
