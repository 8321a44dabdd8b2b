"""The console's screen: paints the framebuffer, scaled to fit or 1:1, and sends input.

The framebuffer's pixels are painted straight from the decoder's array (wrapped in a QImage of
format RGB32, no copy): the GUI thread only paints, the session's thread decodes. A damaged
area is repainted, then the session hears `presented()` and may ask for the next update, so
a hidden view (no paint) costs the server nothing.
"""

from __future__ import annotations

import math
from typing import cast

import numpy as np
from PyQt6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import (
    QColor,
    QCursor,
    QFocusEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
    QWheelEvent,
)
from PyQt6.QtWidgets import QSizePolicy, QWidget

from xapiman.gui.console.keymap import keysym_of, scancode_of
from xapiman.rfb import CursorShape, Framebuffer, RfbSession

BACKGROUND = QColor(32, 32, 32)
PRESENT_FALLBACK_MS = 150
_BUTTONS = {Qt.MouseButton.LeftButton: 1, Qt.MouseButton.MiddleButton: 2,
            Qt.MouseButton.RightButton: 4}
_RELATIVE_CENTRE = 0x7FFF


class ConsoleView(QWidget):
    """Shows one console's framebuffer and forwards keyboard and mouse to its session.

    Signals:
        grab_changed(bool): the keyboard is (no longer) captured for the guest.
    """

    grab_changed = pyqtSignal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("consoleView")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.session: RfbSession | None = None
        self.fb: Framebuffer | None = None
        self.scale_to_fit = True
        self.grabbed = False
        self.absolute = True
        self.frames_painted = 0
        self._image: QImage | None = None
        self._array: np.ndarray | None = None
        self._generation = -1
        self._buttons = 0
        self._pressed: dict[int, tuple[int, int]] = {}  # Qt key / native code -> keysym, scan
        self._last: QPoint | None = None
        self._present = QTimer(self)
        self._present.setSingleShot(True)
        self._present.timeout.connect(self._presented)

    # -- what it shows ----------------------------------------------------------------------

    def attach(self, session: RfbSession | None, fb: Framebuffer | None) -> None:
        """Show `fb` and send input to `session` (None, None: show nothing)."""
        self.release_keys()
        self.session, self.fb = session, fb
        self._generation = -1
        self._wrap()
        self.updateGeometry()
        self.update()
        if session is not None:
            (session.resume if self.isVisible() else session.pause)()

    def set_scale_to_fit(self, fit: bool) -> None:
        self.scale_to_fit = fit
        self.updateGeometry()
        self.update()

    def framebuffer_resized(self) -> None:
        self._wrap()
        self.updateGeometry()
        self.update()

    def damage(self, rects: list[tuple[int, int, int, int]]) -> None:
        """Repaint what changed (the session's update)."""
        if self.fb is not None and self.fb.generation != self._generation:
            self._wrap()
            self.update()
        else:
            target, scale = self._placement()
            for x, y, w, h in rects:
                area = QRectF(target.x() + x * scale, target.y() + y * scale, w * scale,
                              h * scale).toAlignedRect().adjusted(-1, -1, 1, 1)
                self.update(area)
        if not self._present.isActive():
            self._present.start(PRESENT_FALLBACK_MS)

    def set_cursor_shape(self, shape: CursorShape) -> None:
        if shape.width == 0 or shape.height == 0:
            self.setCursor(Qt.CursorShape.BlankCursor)
            return
        image = image_over(np.ascontiguousarray(shape.argb), QImage.Format.Format_ARGB32).copy()
        self.setCursor(QCursor(QPixmap.fromImage(image), shape.hot_x, shape.hot_y))

    def sizeHint(self):  # noqa: N802 - Qt override
        size = super().sizeHint()
        if self.fb is not None and not self.scale_to_fit:
            ratio = self.devicePixelRatioF()
            size.setWidth(math.ceil(self.fb.width / ratio))
            size.setHeight(math.ceil(self.fb.height / ratio))
        return size

    def _wrap(self) -> None:
        fb = self.fb
        if fb is None:
            self._image = self._array = None
            return
        with fb.lock:
            self._array = fb.pixels
            self._generation = fb.generation
        self._image = image_over(self._array, QImage.Format.Format_RGB32)

    def _placement(self) -> tuple[QRectF, float]:
        """Where the screen is drawn (logical pixels) and logical pixels per guest pixel."""
        if self._image is None:
            return QRectF(), 1.0
        width, height = self._image.width(), self._image.height()
        ratio = self.devicePixelRatioF()
        if self.scale_to_fit:
            scale = min(self.width() / width, self.height() / height)
            if scale * ratio >= 1:  # enlarge by whole device pixels only: stays sharp
                scale = math.floor(scale * ratio + 1e-9) / ratio
        else:
            scale = 1.0 / ratio
        drawn_w, drawn_h = width * scale, height * scale
        left = max(0.0, (self.width() - drawn_w) / 2)
        top = max(0.0, (self.height() - drawn_h) / 2)
        return QRectF(left, top, drawn_w, drawn_h), scale

    def paintEvent(self, event: QPaintEvent | None) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(event.rect() if event is not None else self.rect(), BACKGROUND)
        fb = self.fb
        if self._image is not None and fb is not None:
            target, scale = self._placement()
            ratio = self.devicePixelRatioF()
            if abs(scale * ratio - round(scale * ratio)) > 1e-6:
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            with fb.lock:
                if fb.generation == self._generation:
                    painter.drawImage(target, self._image)
        painter.end()
        self.frames_painted += 1
        self._presented()

    def _presented(self) -> None:
        self._present.stop()
        if self.session is not None:
            self.session.presented()

    # -- visibility: only a shown console asks for updates ---------------------------------

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self.session is not None:
            self.session.resume()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().hideEvent(event)
        if self.session is not None:
            self.session.pause()
        self.release_keys()

    # -- keyboard ---------------------------------------------------------------------------

    def set_grabbed(self, grabbed: bool) -> None:
        """Capture the keyboard for the guest (shortcuts and Tab go to it), or release it."""
        if grabbed == self.grabbed:
            return
        self.grabbed = grabbed
        if grabbed:
            self.setFocus(Qt.FocusReason.OtherFocusReason)
            self.grabKeyboard()
        else:
            self.releaseKeyboard()
            self.release_keys()
        self.grab_changed.emit(grabbed)

    def event(self, event: QEvent | None) -> bool:
        if event is not None and event.type() == QEvent.Type.ShortcutOverride and self.grabbed:
            event.accept()  # the guest gets Ctrl+B, Alt+F ... rather than the window
            return True
        return super().event(event)

    def focusNextPrevChild(self, next_: bool) -> bool:  # noqa: N802 - Qt override
        return False if self.grabbed else super().focusNextPrevChild(next_)

    def keyPressEvent(self, event: QKeyEvent | None) -> None:  # noqa: N802 - Qt override
        if event is None:
            return
        if self._is_release_combination(event):
            self.set_grabbed(False)
            return
        keysym = keysym_of(event)
        if keysym is None or self.session is None:
            return
        scancode = scancode_of(event, keysym)
        self._pressed[self._key_id(event)] = (keysym, scancode)
        self.session.key(keysym, True, scancode)

    def keyReleaseEvent(self, event: QKeyEvent | None) -> None:  # noqa: N802 - Qt override
        if event is None:
            return
        pressed = self._pressed.pop(self._key_id(event), None)
        if pressed is not None and self.session is not None:
            self.session.key(pressed[0], False, pressed[1])

    def focusOutEvent(self, event: QFocusEvent | None) -> None:  # noqa: N802 - Qt override
        super().focusOutEvent(event)
        self.release_keys()

    def release_keys(self) -> None:
        """Release in the guest every key still held here (focus lost, grab released)."""
        pressed, self._pressed = self._pressed, {}
        if self.session is not None:
            for keysym, scancode in pressed.values():
                self.session.key(keysym, False, scancode)

    @staticmethod
    def _key_id(event: QKeyEvent) -> int:
        return int(event.nativeScanCode()) or int(event.key())

    def _is_release_combination(self, event: QKeyEvent) -> bool:
        """Ctrl+Alt (pressed together, nothing else) releases the captured keyboard."""
        if not self.grabbed or event.key() not in (Qt.Key.Key_Control, Qt.Key.Key_Alt):
            return False
        wanted = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        return (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier) == wanted

    # -- mouse ------------------------------------------------------------------------------

    def set_pointer_mode(self, absolute: bool) -> None:
        self.absolute = absolute
        self._last = None

    def _guest_point(self, position: QPointF) -> tuple[int, int] | None:
        if self._image is None:
            return None
        target, scale = self._placement()
        x = int((position.x() - target.x()) / scale)
        y = int((position.y() - target.y()) / scale)
        return (max(0, min(self._image.width() - 1, x)),
                max(0, min(self._image.height() - 1, y)))

    def _send_pointer(self, position: QPointF, buttons: int) -> None:
        if self.session is None:
            return
        point = self._guest_point(position)
        if point is None:
            return
        if self.absolute:
            self.session.pointer(point[0], point[1], buttons)
            return
        here = position.toPoint()
        last = self._last or here
        self._last = here
        dx, dy = here.x() - last.x(), here.y() - last.y()
        self.session.pointer(_RELATIVE_CENTRE + dx, _RELATIVE_CENTRE + dy, buttons)

    def mousePressEvent(self, event: QMouseEvent | None) -> None:  # noqa: N802 - Qt override
        if event is None:
            return
        if not self.grabbed:
            self.set_grabbed(True)
        self._buttons |= _BUTTONS.get(event.button(), 0)
        self._send_pointer(event.position(), self._buttons)

    def mouseReleaseEvent(self, event: QMouseEvent | None) -> None:  # noqa: N802 - Qt override
        if event is None:
            return
        self._buttons &= ~_BUTTONS.get(event.button(), 0)
        self._send_pointer(event.position(), self._buttons)

    def mouseMoveEvent(self, event: QMouseEvent | None) -> None:  # noqa: N802 - Qt override
        if event is not None:
            self._send_pointer(event.position(), self._buttons)

    def wheelEvent(self, event: QWheelEvent | None) -> None:  # noqa: N802 - Qt override
        if event is None:
            return
        steps = event.angleDelta().y() // 120
        bit = 8 if steps > 0 else 16
        for _ in range(min(abs(steps), 10)):
            self._send_pointer(event.position(), self._buttons | bit)
            self._send_pointer(event.position(), self._buttons)
        event.accept()


def image_over(array: np.ndarray, image_format: QImage.Format) -> QImage:
    """A QImage over a (height, width) array of 32-bit pixels, sharing its memory (no copy);
    keep the array alive as long as the image. (PyQt takes any buffer where its stubs say
    bytes.)"""
    height, width = array.shape
    return QImage(cast(bytes, array.data), width, height, width * 4, image_format)
