"""First launch on a stock desktop: a missing Qt system library is named with its package, a
missing keychain never offers (or fails) "remember on this device", and a second window on the
same data folder raises the first instead of opening the profile twice."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from conftest import TEST_PASSPHRASE
from keyring.backends import fail
from pytestqt.qtbot import QtBot

from visrec_desktop.core.library import keychain_problem, open_library
from visrec_desktop.gui import platform_check, single_instance
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.pages.settings_page import SettingsPage
from visrec_desktop.gui.single_instance import EXIT_ALREADY_OPEN
from visrec_desktop.gui.welcome import WelcomePage

REPO = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- Qt libraries
def test_platform_plugin_is_probed_with_ldd_on_this_machine() -> None:
    """The real xcb plugin is found and its libraries resolve here (the test machine has them:
    otherwise this suite's own GUI tests could not run on xcb either)."""
    plugin = platform_check.plugin_path("xcb")
    if plugin is None or not sys.platform.startswith("linux"):
        pytest.skip("no Qt xcb plugin on this platform")
    assert isinstance(platform_check.missing_libraries(plugin), list)


def _simulated_launch(missing: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`visrec` (no command) in a fresh interpreter whose dynamic loader is told, through the
    probe's ldd step, that `missing` libraries are not installed."""
    code = (
        "import sys\n"
        "from visrec_desktop.gui import platform_check as pc\n"
        "real = pc._ldd\n"
        f"gone = {missing!r}\n"
        "def ldd(path):\n"
        "    out = real(path) or ''\n"
        "    lines = [l for l in out.splitlines() if l.split() and l.split()[0] not in gone]\n"
        "    return '\\n'.join(lines + [f'\\t{g} => not found' for g in gone])\n"
        "pc._ldd = ldd\n"
        "from visrec_desktop.launcher import main\n"
        "code = main([])\n"
        "assert 'PySide6.QtGui' not in sys.modules, 'Qt was loaded before the check'\n"
        "sys.exit(code)\n")
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=120, cwd=REPO)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb plugin is Linux's")
def test_missing_xcb_library_names_the_packages_and_exits_cleanly() -> None:
    """With libxcb-cursor0 and libxkbcommon-x11-0 'missing', `visrec` prints the apt command
    that installs them and exits with code 10 before Qt is loaded: no abort, no core dump."""
    if platform_check.plugin_path("xcb") is None:
        pytest.skip("this PySide6 has no xcb plugin")
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM",
                                                            "WAYLAND_DISPLAY")}
    env["DISPLAY"] = ":99"
    proc = _simulated_launch(["libxcb-cursor.so.0", "libxkbcommon-x11.so.0"], env)
    assert proc.returncode == platform_check.EXIT_NO_DISPLAY, proc.stderr
    assert "sudo apt-get install libxcb-cursor0 libxkbcommon-x11-0" in proc.stderr
    assert "Traceback" not in proc.stderr and "Aborted" not in proc.stderr


def test_no_display_says_so() -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "DISPLAY")}
    proc = _simulated_launch([], env)
    assert proc.returncode == platform_check.EXIT_NO_DISPLAY
    assert "no display" in proc.stderr


# --------------------------------------------------------------------------- keychain
@pytest.fixture
def no_keychain() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_without_keychain_remember_is_off_and_says_why(qtbot: QtBot, no_keychain: None,
                                                       tmp_path: Path) -> None:
    """keyring's fail backend: the welcome page and Settings show the option disabled with a
    plain sentence, and creating a profile works with the passphrase alone, which keeps
    opening it (no one is locked out)."""
    problem = keychain_problem()
    assert problem is not None and "keychain" in problem and "passphrase" in problem
    welcome = WelcomePage()
    qtbot.addWidget(welcome)
    welcome.show()
    assert not welcome.remember.isEnabled() and not welcome.remember.isChecked()
    assert welcome.remember_note.isVisible() and welcome.remember_note.text() == problem
    welcome.set_busy(False)
    assert not welcome.remember.isEnabled()

    data = tmp_path / "data"
    lib = open_library(data, lambda creating: TEST_PASSPHRASE, use_device=True, remember=False)
    ctx = AppContext(data)
    ctx.library = lib
    try:
        page = SettingsPage(ctx)
        qtbot.addWidget(page)
        ctx.unlocked.emit()
        assert not page.remember_check.isEnabled() and not page.remember_check.isChecked()
        assert page.remember_note.text() == problem
    finally:
        ctx.cancel_all()
        lib.store.close()
    again = open_library(data, lambda creating: TEST_PASSPHRASE, use_device=True)
    again.store.close()


# --------------------------------------------------------------------------- one window
def _app(data: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.Popen([sys.executable, "-m", "visrec_desktop", "--data-dir", str(data)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=REPO)


def test_second_window_on_the_same_data_folder_raises_the_first(tmp_path: Path) -> None:
    """Two instances offscreen: the second says plainly that the profile is already open,
    asks the first to come to the front (which it confirms), and exits with code 11."""
    data = tmp_path / "data"
    first = _app(data)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(first.stderr or []), daemon=True)
    reader.start()
    lock = single_instance.lock_path(data)
    socket_file = Path(single_instance.server_name(data))
    try:
        deadline = time.monotonic() + 90
        while not lock.exists() and time.monotonic() < deadline:
            time.sleep(0.2)  # the first launch owns the folder once its lock file exists
        assert lock.exists(), lines
        assert lock.parent == data.resolve() and socket_file.parent == data.resolve()
        assert not any(single_instance._key(data) in p.name
                       for p in Path(tempfile.gettempdir()).iterdir())
        second = None
        while time.monotonic() < deadline:
            second = subprocess.run(
                [sys.executable, "-m", "visrec_desktop", "--data-dir", str(data)],
                env=dict(os.environ, QT_QPA_PLATFORM="offscreen"), capture_output=True,
                text=True, timeout=60, cwd=REPO)
            if "brought to the front" in second.stderr:
                break
            time.sleep(0.5)
        assert second is not None and second.returncode == EXIT_ALREADY_OPEN, second
        assert "already open on this profile" in second.stderr
        while time.monotonic() < deadline and not any("raised" in line for line in lines):
            time.sleep(0.2)  # the first window handles the request once its event loop runs
        assert first.poll() is None  # the first window is still running
        assert lock.exists() and socket_file.exists()
        first.terminate()  # SIGTERM, as a logout sends: the app closes as its window would
        assert first.wait(timeout=60) == 0, lines
        assert not lock.exists() and not socket_file.exists()
    finally:
        if first.poll() is None:
            first.kill()
        first.wait(timeout=30)
        reader.join(timeout=10)
    assert any("raised by a second launch" in line for line in lines), lines


def test_a_lock_left_by_a_killed_app_is_taken_over(tmp_path: Path) -> None:
    """Killed outright (SIGKILL, a crash), the app leaves its lock and socket in the data
    folder; the next launch takes them over and, quitting, removes them."""
    data = tmp_path / "data"
    first = _app(data)
    lock = single_instance.lock_path(data)
    try:
        deadline = time.monotonic() + 90
        while not lock.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert lock.exists()
    finally:
        first.kill()
        first.wait(timeout=30)
    assert lock.exists()  # left behind
    again = subprocess.run(
        [sys.executable, "-m", "visrec_desktop", "--data-dir", str(data)],
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen", VISREC_EXIT_WHEN_SHOWN="1"),
        capture_output=True, text=True, timeout=120, cwd=REPO)
    assert again.returncode == 0 and "window shown" in again.stdout, again.stderr
    assert not lock.exists() and not Path(single_instance.server_name(data)).exists()


def test_the_instance_lock_follows_the_data_folder(qtbot: QtBot, tmp_path: Path) -> None:
    """The lock and the socket live in the data folder (made private if new), the lock file
    readable by its owner only and holding nothing of the person's (no path); another owner
    of the same folder, even by a symlink, is refused and can ask the first to come to the
    front; release removes both, and the folder is free again. Nothing goes to the shared
    temporary folder."""
    data = tmp_path / "home" / "data"
    first = single_instance.SingleInstance(data)
    assert first.acquire()
    lock = data / single_instance.LOCK_NAME
    socket_file = data / single_instance.SOCKET_NAME
    assert lock.is_file() and socket_file.exists()
    assert oct(lock.stat().st_mode & 0o777) == "0o600"
    assert oct(data.stat().st_mode & 0o777) == "0o700"
    assert str(tmp_path).encode() not in lock.read_bytes()
    assert not any(single_instance._key(data) in p.name
                   for p in Path(tempfile.gettempdir()).iterdir())
    link = tmp_path / "link"
    link.symlink_to(data)
    second = single_instance.SingleInstance(link)
    assert not second.acquire()
    with qtbot.waitSignal(first.activated, timeout=10_000):
        assert second.ask_owner_to_raise()
    first.release()
    assert not lock.exists() and not socket_file.exists()
    assert second.acquire()
    second.release()
    assert list(data.iterdir()) == []


def test_a_data_folder_too_deep_for_a_socket_address_still_works(qtbot: QtBot,
                                                                  tmp_path: Path) -> None:
    """A socket's address holds about 100 bytes: for a deeper data folder the socket goes to
    the person's private runtime folder (by a hash of the path, no path in its name)."""
    data = tmp_path / ("deep" * 30) / "data"
    name = single_instance.server_name(data)
    assert not name.startswith(str(tmp_path)) and "deep" not in name
    first = single_instance.SingleInstance(data)
    assert first.acquire() and Path(name).exists()
    second = single_instance.SingleInstance(data)
    assert not second.acquire()
    with qtbot.waitSignal(first.activated, timeout=10_000):
        assert second.ask_owner_to_raise()
    first.release()
    assert not Path(name).exists() and not single_instance.lock_path(data).exists()


def test_display_with_no_x_server_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """DISPLAY names a display where no X server answers (a stale session, a typo): a plain
    message and exit code 10 instead of Qt's abort (exit 134, which blames libxcb-cursor0)."""
    if platform_check.x11_reachable(":8765") is None:
        pytest.skip("libxcb is not installed: the library check speaks instead")
    assert platform_check.x11_reachable(":8765") is False
    for name in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISPLAY", ":8765")
    monkeypatch.setattr(platform_check, "plugin_path", lambda name="xcb": REPO)
    monkeypatch.setattr(platform_check, "missing_libraries", lambda plugin: [])
    why = platform_check.problem()
    assert why is not None and "no X server answers on display :8765" in why
    monkeypatch.setattr(platform_check, "x11_reachable", lambda display: True)  # control
    assert platform_check.problem() is None


def test_wayland_without_its_plugin_or_xwayland_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """The packaged app has no Qt Wayland plugin and runs through XWayland: in a Wayland session
    without an X server (no DISPLAY) a plain message replaces Qt's abort; with XWayland (DISPLAY
    set) it starts on X11."""
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    monkeypatch.setattr(platform_check, "plugin_path",
                        lambda name="xcb": None if name == "wayland" else REPO)
    monkeypatch.setattr(platform_check, "missing_libraries", lambda plugin: [])
    why = platform_check.problem()
    assert why is not None and "XWayland" in why and "visrec --help" in why
    monkeypatch.setenv("DISPLAY", ":0")  # control: XWayland is running
    monkeypatch.setattr(platform_check, "x11_reachable", lambda display: True)
    assert platform_check.problem() is None
