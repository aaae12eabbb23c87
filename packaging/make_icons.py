"""Draw the visrec app icon and write it in every format the packagers need.

    python packaging/make_icons.py

Writes resources/icons/visrec.png (512 px), visrec-256.png, visrec.ico (16 to 256 px) and
visrec.icns (32 to 1024 px). The mark is drawn as vectors with QPainter (offscreen, no display
needed) separately at every size, so small sizes are crisp rather than scaled down; below 48 px
a simplified, bolder variant is drawn. Pillow assembles the .ico and .icns files.

The mark: a rounded square with a soft indigo-to-teal gradient, a white stylised eye and, as the
pupil, a coral heart (what you look at, and what you love).
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
    QRadialGradient,
)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "icons"

TOP = QColor("#5A5FE0")  # indigo
MIDDLE = QColor("#3A8BDB")  # keeps the middle of the gradient clear, not grey
BOTTOM = QColor("#1FB8A8")  # teal
IRIS_OUT = QColor("#2C2F7A")
IRIS_IN = QColor("#4A55D6")
HEART = QColor("#FF6F7D")  # coral


def _eye_path(cx: float, cy: float, half_w: float, half_h: float) -> QPainterPath:
    """An almond (vesica) shape: two quadratic arcs meeting at sharp corners."""
    path = QPainterPath(QPointF(cx - half_w, cy))
    path.quadTo(QPointF(cx, cy - 2 * half_h), QPointF(cx + half_w, cy))
    path.quadTo(QPointF(cx, cy + 2 * half_h), QPointF(cx - half_w, cy))
    path.closeSubpath()
    return path


def _heart_path(cx: float, cy: float, size: float) -> QPainterPath:
    """A heart of width `size`, centred on (cx, cy)."""
    s = size / 2
    top = cy - 0.30 * s
    path = QPainterPath(QPointF(cx, cy + 0.85 * s))  # the point
    path.cubicTo(
        QPointF(cx - 0.35 * s, cy + 0.55 * s),
        QPointF(cx - 1.0 * s, cy + 0.15 * s),
        QPointF(cx - 1.0 * s, top),
    )
    path.cubicTo(
        QPointF(cx - 1.0 * s, cy - 0.95 * s),
        QPointF(cx - 0.15 * s, cy - 1.0 * s),
        QPointF(cx, cy - 0.45 * s),
    )
    path.cubicTo(
        QPointF(cx + 0.15 * s, cy - 1.0 * s),
        QPointF(cx + 1.0 * s, cy - 0.95 * s),
        QPointF(cx + 1.0 * s, top),
    )
    path.cubicTo(
        QPointF(cx + 1.0 * s, cy + 0.15 * s),
        QPointF(cx + 0.35 * s, cy + 0.55 * s),
        QPointF(cx, cy + 0.85 * s),
    )
    path.closeSubpath()
    return path


def draw(size: int) -> QImage:
    """Render the icon at `size` x `size` pixels."""
    small = size < 48
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / 512, size / 512)  # draw in a 512-unit space

    # Background: rounded square, soft diagonal gradient, a faint top sheen.
    inset = 8 if small else 24
    rect = QRectF(inset, inset, 512 - 2 * inset, 512 - 2 * inset)
    radius = 104 if small else 112
    bg = QLinearGradient(rect.topLeft(), rect.bottomRight())
    bg.setColorAt(0.0, TOP)
    bg.setColorAt(0.5, MIDDLE)
    bg.setColorAt(1.0, BOTTOM)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(bg))
    p.drawRoundedRect(rect, radius, radius)
    if not small:
        sheen = QLinearGradient(QPointF(0, rect.top()), QPointF(0, rect.center().y()))
        sheen.setColorAt(0.0, QColor(255, 255, 255, 46))
        sheen.setColorAt(1.0, QColor(255, 255, 255, 0))
        p.setBrush(QBrush(sheen))
        p.drawRoundedRect(rect, radius, radius)

    # The eye: white almond with a soft shadow beneath.
    cx, cy = 256.0, 262.0
    half_w, half_h = (212.0, 128.0) if small else (190.0, 112.0)
    if not small:
        p.setBrush(QColor(20, 30, 80, 55))
        p.drawPath(_eye_path(cx, cy + 10, half_w, half_h))
    p.setBrush(QColor("#FFFFFF"))
    p.drawPath(_eye_path(cx, cy, half_w, half_h))

    # The iris: a deep indigo disc with a lighter centre.
    r = 100.0 if small else 86.0
    iris = QRadialGradient(QPointF(cx, cy), r)
    iris.setColorAt(0.0, IRIS_IN)
    iris.setColorAt(1.0, IRIS_OUT)
    p.setBrush(QBrush(iris))
    if not small:
        p.setPen(QPen(QColor(255, 255, 255, 230), 6))
    p.drawEllipse(QPointF(cx, cy), r, r)
    p.setPen(Qt.PenStyle.NoPen)

    # The pupil: a coral heart; a tiny catch-light at larger sizes.
    p.setBrush(HEART)
    p.drawPath(_heart_path(cx, cy + 4, 128.0 if small else 96.0))
    if not small:
        p.setBrush(QColor(255, 255, 255, 235))
        p.drawEllipse(QPointF(cx + 44, cy - 46), 15, 15)

        # A small four-point sparkle, top right: "recommended for you".
        p.setBrush(QColor(255, 255, 255, 240))
        p.drawPath(_sparkle_path(404.0, 110.0, 34.0))
    p.end()
    return image


def _sparkle_path(cx: float, cy: float, r: float) -> QPainterPath:
    """A four-point star with concave sides."""
    k = 0.18 * r
    path = QPainterPath(QPointF(cx, cy - r))
    path.quadTo(QPointF(cx + k, cy - k), QPointF(cx + r, cy))
    path.quadTo(QPointF(cx + k, cy + k), QPointF(cx, cy + r))
    path.quadTo(QPointF(cx - k, cy + k), QPointF(cx - r, cy))
    path.quadTo(QPointF(cx - k, cy - k), QPointF(cx, cy - r))
    path.closeSubpath()
    return path


def to_pil(image: QImage) -> Image.Image:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return Image.open(io.BytesIO(bytes(data))).convert("RGBA")


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    OUT.mkdir(parents=True, exist_ok=True)
    renders = {s: to_pil(draw(s)) for s in (16, 24, 32, 48, 64, 128, 256, 512, 1024)}

    renders[512].save(OUT / "visrec.png", optimize=True)
    renders[256].save(OUT / "visrec-256.png", optimize=True)
    ico_sizes = [16, 24, 32, 48, 64, 128, 256]
    renders[256].save(
        OUT / "visrec.ico",
        format="ICO",
        sizes=[(s, s) for s in ico_sizes],
        append_images=[renders[s] for s in ico_sizes if s != 256],
    )
    renders[1024].save(
        OUT / "visrec.icns",
        format="ICNS",
        append_images=[renders[s] for s in (32, 64, 128, 256, 512)],
    )
    # A preview strip at the sizes a desktop shows, for eyeballing (not shipped).
    if "--preview" in sys.argv:
        width = 16 + 24 + 32 + 48 + 64 + 128 + 7 * 12
        strip = Image.new("RGBA", (width, 140), (236, 236, 236, 255))
        x = 6
        for s in (16, 24, 32, 48, 64, 128):
            strip.alpha_composite(renders[s], (x, 70 - s // 2))
            x += s + 12
        strip.save(ROOT / "build" / "icon-preview.png")
    for name in ("visrec.png", "visrec-256.png", "visrec.ico", "visrec.icns"):
        print(f"wrote {OUT / name} ({(OUT / name).stat().st_size:,} bytes)")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
