"""Can Qt open a window here? Asked before Qt is loaded, so a missing system library ends in a
plain message naming the packages to install, instead of Qt's abort (which names the wrong
library, or none).

On Linux, Qt's X11 platform plugin (`libqxcb.so`) needs X11/xcb utility libraries that a stock
desktop does not always have (libxcb-cursor0 above all since Qt 6.5). `ldd` on the plugin lists
every library it would load, transitively, and which ones are missing. This module imports no Qt.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from pathlib import Path

from visrec_desktop.i18n import gettext

EXIT_NO_DISPLAY = 10  # documented in docs/cli.md: the desktop app cannot start here

# Library (soname) -> the Debian/Ubuntu package that ships it.
DEBIAN_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libXau.so.6": "libxau6",
    "libXdmcp.so.6": "libxdmcp6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libEGL.so.1": "libegl1",
    "libGLdispatch.so.0": "libglvnd0",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
}
# Platforms that draw nowhere or on a framebuffer: nothing to check.
_HEADLESS = ("offscreen", "minimal", "vnc", "eglfs", "linuxfb", "vkkhrdisplay")


def plugin_path(name: str = "xcb") -> Path | None:
    """Qt's platform plugin file, found without loading Qt."""
    try:
        import PySide6  # the package only: no Qt library is loaded by this
    except ImportError:
        return None
    path = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / f"libq{name}.so"
    return path if path.exists() else None


def _ldd(path: Path) -> str | None:
    exe = shutil.which("ldd")
    if exe is None:
        return None
    try:
        return subprocess.run([exe, str(path)], capture_output=True, text=True, timeout=20,
                              check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None


def missing_libraries(plugin: Path) -> list[str]:
    """Sonames the plugin needs that the dynamic loader cannot find."""
    output = _ldd(plugin)
    if output is None:  # no ldd: try to load each library Qt's xcb plugin is known to need
        missing = []
        for soname in DEBIAN_PACKAGES:
            if soname.startswith("libwayland"):
                continue
            try:
                ctypes.CDLL(soname)
            except OSError:
                missing.append(soname)
        return missing
    return [line.split()[0] for line in output.splitlines() if "not found" in line]


def problem() -> str | None:
    """None when the desktop app can open its window here; else what to do, in plain words."""
    if not sys.platform.startswith("linux"):
        return None
    wanted = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0].strip()
    if wanted.startswith(_HEADLESS):
        return None
    wayland = bool(os.environ.get("WAYLAND_DISPLAY")) and wanted in ("", "wayland")
    if not wayland and not os.environ.get("DISPLAY"):
        return ("visrec cannot open its window: there is no display (DISPLAY is not set). Run it "
                "on a desktop, or use the command line: visrec --help")
    if wayland:
        plugin = plugin_path("wayland")
        if plugin is not None and not missing_libraries(plugin):
            return None  # Qt uses Wayland; otherwise it falls back to X11, checked below
        if not os.environ.get("DISPLAY"):  # the packaged app has no Wayland plugin
            return ("visrec cannot open its window: it draws through X11, and this Wayland "
                    "session runs no X server (XWayland; DISPLAY is not set). Turn XWayland on "
                    "in your desktop's settings, or use the command line: visrec --help")
    plugin = plugin_path("xcb")
    if plugin is None:
        return None  # a build without the plugin file we know: let Qt say what it needs
    missing = missing_libraries(plugin)
    if not missing:
        return _x11_unreachable()
    packages = sorted({DEBIAN_PACKAGES.get(m, m) for m in missing})
    return gettext("visrec cannot open its window: the Qt X11 platform plugin needs system "
                   "libraries that are not installed ({libraries}).\nOn Debian or Ubuntu, "
                   "install them with:\n    sudo apt-get install {packages}\nEverything else "
                   "works from the command line meanwhile: visrec --help").format(
                       libraries=", ".join(missing), packages=" ".join(packages))


def x11_reachable(display: str | None) -> bool | None:
    """Whether an X server answers on `display` (None: libxcb itself is missing, so the library
    check above speaks instead). Qt aborts the process when it cannot connect; this asks first."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return None
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    conn = xcb.xcb_connect(display.encode() if display else None, None)
    try:
        return conn is not None and xcb.xcb_connection_has_error(conn) == 0
    finally:
        if conn is not None:
            xcb.xcb_disconnect(conn)  # xcb returns an error object, never NULL: free it too


def _x11_unreachable() -> str | None:
    display = os.environ.get("DISPLAY")
    if not display or x11_reachable(display) is not False:
        return None
    return gettext("visrec cannot open its window: no X server answers on display {display}. "
                   "Check that your desktop session is running (or DISPLAY is right), or use "
                   "the command line: visrec --help").format(display=display)
