"""The fullscreen kiosk in a real X server: the ways out a shopper could try are refused.

Xvfb is the screen, openbox the window manager (Alt+F4 and a taskbar's close request are
window-manager actions, so only a real one makes those attempts mean anything), xdotool the
keyboard, and `ces-kiosk` runs exactly as on a store's kiosk: once under openbox's packaged
settings (every way out offered; the kiosk itself must refuse them), once in the X session
the deployment guide documents (assets/openbox/: openbox then offers nothing, no window
menu, no desktop menu, one desktop). Without those tools (a newcomer's machine) the tests
are skipped; `scripts/system-deps --test`, which `scripts/test` and so CI run, installs them.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from kiosk.preset import preconfigure
from kiosk.ui.theme import PALETTE

pytestmark = pytest.mark.xvfb

SCREEN = (1280, 800)
TOOLS = ("Xvfb", "xdotool", "openbox", "xprop", "xwininfo")
START_TIMEOUT_S = 60.0
STEP_TIMEOUT_S = 15.0
IGNORED_CLOSE = "close request ignored"
IGNORED_MINIMISE = "minimise ignored"


def _missing_tools() -> list[str]:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if ctypes.util.find_library("X11") is None:
        missing.append("libX11")
    return missing


def wait_for(predicate: Callable[[], bool], what: str, timeout: float = STEP_TIMEOUT_S) -> None:
    """Poll until ``predicate()`` holds; the tools here have no event to wait on."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)  # ok-sleep: a short poll between X queries


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Display:
    name: str
    env: dict[str, str]

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args, env=self.env, capture_output=True, text=True, timeout=STEP_TIMEOUT_S, check=False
        )

    def out(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, f"{' '.join(args)}: {result.stderr}"
        return result.stdout


def _read_display_number(read_fd: int, xvfb: subprocess.Popen[bytes], log: Path) -> str:
    # -displayfd makes Xvfb pick a free display itself (it takes the lock file atomically,
    # so parallel runs cannot collide) and write its number here once it accepts clients.
    deadline = time.monotonic() + START_TIMEOUT_S
    text = b""
    while not text.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or xvfb.poll() is not None:
            raise AssertionError(f"Xvfb did not start:\n{log.read_text(errors='replace')}")
        ready, _, _ = select.select([read_fd], [], [], remaining)
        if ready:
            chunk = os.read(read_fd, 64)
            if not chunk:
                raise AssertionError(f"Xvfb did not start:\n{log.read_text(errors='replace')}")
            text += chunk
    return f":{text.decode().strip()}"


@pytest.fixture
def xvfb(tmp_path: Path) -> Iterator[Display]:
    """A fresh Xvfb, with no window manager yet."""
    missing = _missing_tools()
    if missing:
        pytest.skip(
            f"needs {', '.join(missing)} for a real window "
            "(Debian/Ubuntu: scripts/system-deps --test installs them)"
        )
    xvfb_log = tmp_path / "xvfb.log"
    read_fd, write_fd = os.pipe()
    # -noreset: by default Xvfb resets itself whenever its last client leaves, which can
    # happen between two short xprop calls before openbox has connected.
    with xvfb_log.open("wb") as log:
        xvfb = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(write_fd),
                "-noreset",
                "-screen",
                "0",
                "{}x{}x24".format(*SCREEN),
            ],
            pass_fds=(write_fd,),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    os.close(write_fd)
    try:
        name = _read_display_number(read_fd, xvfb, xvfb_log)
        env = {key: value for key, value in os.environ.items() if not key.startswith("QT_QPA")}
        env.update(DISPLAY=name, QT_QPA_PLATFORM="xcb")
        # An empty config dir: openbox never reads the developer's own settings.
        env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
        yield Display(name, env)
    finally:
        os.close(read_fd)
        _stop(xvfb)


def wait_for_window_manager(display: Display) -> None:
    wait_for(
        lambda: "window id" in display.run("xprop", "-root", "_NET_SUPPORTING_WM_CHECK").stdout,
        "openbox to manage the screen",
    )


@pytest.fixture
def display(xvfb: Display, tmp_path: Path) -> Iterator[Display]:
    """Xvfb with openbox on its packaged settings (rc.xml: Alt+F4 = Close, menus and all):
    the kiosk must hold even under a window manager that offers every way out."""
    with (tmp_path / "openbox.log").open("wb") as log:
        openbox = subprocess.Popen(
            ["openbox", "--sm-disable"],
            env=xvfb.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_window_manager(xvfb)
        yield xvfb
    finally:
        _stop(openbox)


@dataclass
class RunningKiosk:
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def count(self, text: str) -> int:
        return self.output().count(text)

    def wait_for_log(self, text: str, count: int, timeout: float = STEP_TIMEOUT_S) -> None:
        """Until ``text`` has been logged ``count`` times: proof the attempt reached the app."""

        def logged() -> bool:
            assert self.process.poll() is None, (
                f"the kiosk exited ({self.process.returncode}):\n{self.output()}"
            )
            return self.count(text) >= count

        wait_for(logged, f"{text!r} x{count} in the kiosk's log", timeout)


def installed_ces_kiosk() -> Path:
    ces_kiosk = Path(sys.executable).with_name("ces-kiosk")
    assert ces_kiosk.exists(), "ces-kiosk is not installed beside this Python (scripts/install)"
    return ces_kiosk


@contextlib.contextmanager
def started(command: list[str], env: dict[str, str], log: Path) -> Iterator[RunningKiosk]:
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield RunningKiosk(process, log)
    finally:
        _stop(process)


def set_up_data_dir(tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    # Set up as a store manager would have (PIN, store, touchpoint): the shopper's screens.
    preconfigure(data_dir)
    return data_dir


@pytest.fixture
def kiosk(display: Display, tmp_path: Path) -> Iterator[RunningKiosk]:
    command = [str(installed_ces_kiosk()), "--data-dir", str(set_up_data_dir(tmp_path))]
    with started(command, display.env, tmp_path / "kiosk.log") as running:
        yield running


def kiosk_window(display: Display, kiosk: RunningKiosk) -> str:
    """The id of the kiosk's mapped window, once it is there."""
    found: list[str] = []

    def mapped() -> bool:
        assert kiosk.process.poll() is None, f"the kiosk exited:\n{kiosk.output()}"
        search = display.run("xdotool", "search", "--onlyvisible", "--name", "^Effortless$")
        found[:] = search.stdout.split()
        return bool(found)

    wait_for(mapped, "the kiosk's window to be mapped", timeout=START_TIMEOUT_S)
    assert len(found) == 1, f"expected one kiosk window, found {found}"
    return found[0]


def assert_fullscreen_in_front(display: Display, kiosk: RunningKiosk, window: str) -> None:
    assert kiosk.process.poll() is None, f"the kiosk exited:\n{kiosk.output()}"
    assert "Map State: IsViewable" in display.out("xwininfo", "-id", window)
    geometry = dict(
        line.split("=", 1)
        for line in display.out("xdotool", "getwindowgeometry", "--shell", window).split()
    )
    assert (geometry["X"], geometry["Y"]) == ("0", "0")
    assert (int(geometry["WIDTH"]), int(geometry["HEIGHT"])) == SCREEN
    assert "_NET_WM_STATE_FULLSCREEN" in display.out("xprop", "-id", window, "_NET_WM_STATE")
    # In front: the window manager's active window, and the top of its stacking order.
    assert display.out("xdotool", "getactivewindow").strip() == window
    stacking = display.out("xprop", "-root", "_NET_CLIENT_LIST_STACKING")
    ids = [int(value, 16) for value in re.findall(r"0x[0-9a-f]+", stacking)]
    assert ids[-1:] == [int(window)], f"not on top: {stacking}"


class _ClientMessage(ctypes.Structure):
    _fields_ = (
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("window", ctypes.c_ulong),
        ("message_type", ctypes.c_ulong),
        ("format", ctypes.c_int),
        ("data", ctypes.c_long * 5),
    )


class _XEvent(ctypes.Union):
    _fields_ = (("xclient", _ClientMessage), ("pad", ctypes.c_long * 24))


_CLIENT_MESSAGE = 33
_SUBSTRUCTURE_NOTIFY_AND_REDIRECT = (1 << 19) | (1 << 20)


def send_close_request(display: Display, window: str, *, through_window_manager: bool) -> None:
    """A close request, the kind a kiosk may refuse (unlike XKillClient or XDestroyWindow).

    Directly: WM_DELETE_WINDOW to the window, what every window manager sends on Alt+F4 or
    a close button. Through the window manager: _NET_CLOSE_WINDOW to the root window, what a
    taskbar or pager sends. (Debian 12's xdotool has no command for either: its
    `windowclose` destroys the window.)
    """
    x11 = ctypes.CDLL(ctypes.util.find_library("X11"))
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = (ctypes.c_char_p,)
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = (ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int)
    x11.XDefaultRootWindow.restype = ctypes.c_ulong
    x11.XDefaultRootWindow.argtypes = (ctypes.c_void_p,)
    x11.XSendEvent.argtypes = (
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.c_int,
        ctypes.c_long,
        ctypes.POINTER(_XEvent),
    )
    x11.XSync.argtypes = (ctypes.c_void_p, ctypes.c_int)
    x11.XCloseDisplay.argtypes = (ctypes.c_void_p,)
    connection = x11.XOpenDisplay(display.name.encode())
    assert connection, f"cannot open display {display.name}"
    try:
        event = _XEvent()
        message = event.xclient
        message.type = _CLIENT_MESSAGE
        message.window = int(window)
        message.format = 32
        if through_window_manager:
            message.message_type = x11.XInternAtom(connection, b"_NET_CLOSE_WINDOW", 0)
            message.data[1] = 2  # source indication: a pager or taskbar
            target = x11.XDefaultRootWindow(connection)
            mask = _SUBSTRUCTURE_NOTIFY_AND_REDIRECT
        else:
            message.message_type = x11.XInternAtom(connection, b"WM_PROTOCOLS", 0)
            message.data[0] = x11.XInternAtom(connection, b"WM_DELETE_WINDOW", 0)
            target, mask = int(window), 0
        assert x11.XSendEvent(connection, target, 0, mask, ctypes.byref(event))
        x11.XSync(connection, 0)
    finally:
        x11.XCloseDisplay(connection)


_GRAB = """
import sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication([sys.argv[0], "-platform", "xcb"])
image = app.primaryScreen().grabWindow(0)
sys.exit(0 if image.save(sys.argv[1]) else 1)
"""


def screenshot(display: Display, path: Path) -> QImage:
    # Its own process: this one runs Qt offscreen, and a screen grab needs the real one.
    result = subprocess.run(
        [sys.executable, "-c", _GRAB, str(path)],
        env=display.env,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0, f"screen grab failed: {result.stderr}"
    image = QImage(str(path))
    assert not image.isNull(), f"unreadable screenshot {path}"
    return image.convertToFormat(QImage.Format.Format_RGB32)


def colour_counts(image: QImage, left: int = 0, right: int | None = None) -> Counter[int]:
    """How many pixels of each 0xRRGGBB colour the columns [left, right) hold."""
    width, height = image.width(), image.height()
    right = width if right is None else right
    pixels = memoryview(image.constBits()).cast("I")  # RGB32: one 0xffRRGGBB word a pixel
    counts: Counter[int] = Counter()
    for y in range(height):
        row = pixels[y * width + left : y * width + right]
        counts.update(value & 0xFFFFFF for value in row)
    return counts


def rgb(name: str) -> int:
    return int(PALETTE[name].lstrip("#"), 16)


def test_the_kiosk_stays_fullscreen_and_in_front_whatever_a_shopper_tries(
    display: Display, kiosk: RunningKiosk, tmp_path: Path
) -> None:
    window = kiosk_window(display, kiosk)
    # openbox maps the window a moment before it gives it the focus.
    wait_for(
        lambda: display.run("xdotool", "getactivewindow").stdout.strip() == window,
        "openbox to make the kiosk the active window",
    )
    assert_fullscreen_in_front(display, kiosk, window)

    # Alt+F4 is openbox's: it grabs the key and sends the window WM_DELETE_WINDOW.
    # openbox drops the very first key binding pressed after it starts in about one run in
    # twenty (never a later one, and a dropped one never arrives late), so that one may be
    # pressed again; a kiosk that gave in would have exited on whichever arrived.
    for _ in range(3):
        assert display.run("xdotool", "key", "alt+F4").returncode == 0
        with contextlib.suppress(AssertionError):
            kiosk.wait_for_log(IGNORED_CLOSE, 1, timeout=3)
            break
    closes = 1
    kiosk.wait_for_log(IGNORED_CLOSE, closes)
    assert_fullscreen_in_front(display, kiosk, window)

    # Keys the kiosk sees itself (and Alt+Tab, openbox's). Each is followed by a close
    # request: X delivers both in order, so once that request is logged the key has been
    # handled as well.
    for key in ("Escape", "ctrl+q", "ctrl+w", "alt+Tab"):
        assert display.run("xdotool", "key", key).returncode == 0
        send_close_request(display, window, through_window_manager=False)
        closes += 1
        kiosk.wait_for_log(IGNORED_CLOSE, closes)
        assert_fullscreen_in_front(display, kiosk, window)

    send_close_request(display, window, through_window_manager=True)
    closes += 1
    kiosk.wait_for_log(IGNORED_CLOSE, closes)
    assert_fullscreen_in_front(display, kiosk, window)
    assert kiosk.count(IGNORED_CLOSE) == closes, "a close request arrived that was not sent"

    # Minimising (a taskbar's or a window menu's) shows it fullscreen again.
    assert display.run("xdotool", "windowminimize", window).returncode == 0
    kiosk.wait_for_log(IGNORED_MINIMISE, 1)
    wait_for(
        lambda: (
            "IsViewable" in display.out("xwininfo", "-id", window)
            and display.run("xdotool", "getactivewindow").stdout.strip() == window
        ),
        "the kiosk to be shown again after minimising",
    )
    assert_fullscreen_in_front(display, kiosk, window)

    # What the screen shows is the attract screen: the kiosk's background nearly everywhere
    # and the start pill's colour in the middle (the language bar also has that colour, at
    # the right edge, so the middle columns are counted on their own).
    image = screenshot(display, tmp_path / "screen.png")
    assert (image.width(), image.height()) == SCREEN
    everything = colour_counts(image)
    total = image.width() * image.height()
    background = everything[rgb("background")] / total
    assert background > 0.6, f"background colour covers {background:.0%} of the screen"
    assert everything.most_common(1)[0][0] == rgb("background")
    middle = colour_counts(image, left=int(SCREEN[0] * 0.35), right=int(SCREEN[0] * 0.65))
    pill = middle[rgb("button")]
    assert pill > 5000, f"start pill colour: {pill} pixels in the middle of the screen"

    # systemd's stop: SIGTERM ends the kiosk cleanly.
    kiosk.process.send_signal(signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        kiosk.process.wait(timeout=STEP_TIMEOUT_S)
    assert kiosk.process.returncode == 0, kiosk.output()
    assert "kiosk stopped" in kiosk.output()


SESSION = Path(__file__).resolve().parents[2] / "assets" / "openbox" / "session"
_TREE_LINE = re.compile(
    r"^(?P<indent> +)(?P<id>0x[0-9a-f]+) .*\s(?P<w>\d+)x(?P<h>\d+)\+-?\d+\+-?\d+"
    r"\s+\+(?P<x>-?\d+)\+(?P<y>-?\d+)\s*$"
)


def windows_besides(display: Display, kiosk_window_id: str) -> list[str]:
    """The top-level windows shown on the screen other than the kiosk's (its own or the
    frame openbox put it in): a menu of openbox's would be one."""
    search = display.run("xdotool", "search", "--maxdepth", "1", "--onlyvisible", "--name", "")
    viewable = {int(value) for value in search.stdout.split()}
    kiosk_id = int(kiosk_window_id)
    top_indent: int | None = None
    tops: dict[int, str] = {}
    kiosk_tops: set[int] = set()
    current = 0
    for line in display.out("xwininfo", "-root", "-tree").splitlines():
        match = _TREE_LINE.match(line)
        if match is None:
            continue
        window, indent = int(match["id"], 16), len(match["indent"])
        top_indent = indent if top_indent is None else top_indent
        if indent == top_indent:
            current = window
            x, y, width, height = (int(match[key]) for key in ("x", "y", "w", "h"))
            on_screen = x + width > 0 and y + height > 0 and x < SCREEN[0] and y < SCREEN[1]
            if on_screen:
                tops[window] = line.strip()
        if window == kiosk_id:
            kiosk_tops.add(current)
    assert kiosk_tops, f"the kiosk's window {kiosk_window_id} is not in the window tree"
    return [line for window, line in tops.items() if window in viewable - kiosk_tops]


def desktops(display: Display, window: str) -> tuple[str, str, str]:
    """How many desktops, the current one, and the kiosk's."""
    root = display.out("xprop", "-root", "_NET_NUMBER_OF_DESKTOPS", "_NET_CURRENT_DESKTOP")
    own = display.out("xprop", "-id", window, "_NET_WM_DESKTOP")
    number, current, on = (line.rsplit("=", 1)[-1].strip() for line in [*root.splitlines(), own])
    return number, current, on


def assert_nothing_but_the_kiosk(display: Display, kiosk: RunningKiosk, window: str) -> None:
    assert windows_besides(display, window) == [], "a window of openbox's is on the screen"
    assert_fullscreen_in_front(display, kiosk, window)
    assert desktops(display, window) == ("1", "0", "0")


def kiosk_gone(display: Display, kiosk: RunningKiosk) -> None:
    kiosk.process.send_signal(signal.SIGTERM)
    kiosk.process.wait(timeout=STEP_TIMEOUT_S)
    search = ("xdotool", "search", "--onlyvisible", "--name", "^Effortless$")
    wait_for(lambda: not display.run(*search).stdout.split(), "the kiosk's window to go")


@pytest.fixture
def session(xvfb: Display, tmp_path: Path) -> Iterator[RunningKiosk]:
    """The kiosk's X session as the documented one starts (docs/deployment.md): startx runs
    assets/openbox/session, which starts openbox on assets/openbox/rc.xml, then ces-kiosk."""
    env = {**xvfb.env, "CES_KIOSK": str(installed_ces_kiosk())}
    command = [str(SESSION), "--data-dir", str(set_up_data_dir(tmp_path))]
    with started(command, env, tmp_path / "kiosk.log") as running:
        try:
            yield running
        finally:
            # openbox, started by the session script in the script's own process group.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(running.process.pid, signal.SIGTERM)


def test_the_kiosk_session_gives_openbox_no_way_out_to_offer(
    xvfb: Display, session: RunningKiosk, tmp_path: Path
) -> None:
    window = kiosk_window(xvfb, session)
    wait_for(
        lambda: xvfb.run("xdotool", "getactivewindow").stdout.strip() == window,
        "openbox to make the kiosk the active window",
    )
    assert_nothing_but_the_kiosk(xvfb, session, window)

    # openbox's own bindings (in its packaged rc.xml): Alt+Space opens the window menu,
    # whose "Send to desktop 2" takes the kiosk away; Shift+Alt+arrow sends it to another
    # desktop, Ctrl+Alt+arrow and Super+F2 switch desktops, Alt+Escape lowers it, Super+d
    # shows the desktop. And a right or middle click, which on a desktop opens a menu.
    for closes, attempt in enumerate(
        (
            ("key", "alt+space"),
            ("key", "shift+alt+Right"),
            ("key", "ctrl+alt+Right"),
            ("key", "super+F2"),
            ("key", "alt+Escape"),
            ("key", "super+d"),
            ("mousemove", "640", "400", "click", "3"),
            ("mousemove", "640", "400", "click", "2"),
        ),
        start=1,
    ):
        assert xvfb.run("xdotool", *attempt).returncode == 0
        # openbox handles what reaches it in order: once it has passed this close request
        # on to the kiosk, it has handled the attempt before it too.
        send_close_request(xvfb, window, through_window_manager=True)
        session.wait_for_log(IGNORED_CLOSE, closes)
        assert windows_besides(xvfb, window) == [], f"after {' '.join(attempt)}"
        assert_nothing_but_the_kiosk(xvfb, session, window)

    # The desktop is bare while the kiosk restarts (the systemd service starts it again two
    # seconds after it ends). A click there opens nothing either: openbox handles the click
    # before it manages the kiosk's new window, so once that window is active any menu of
    # its would be on the screen.
    kiosk_gone(xvfb, session)
    again = [str(installed_ces_kiosk()), "--data-dir", str(tmp_path / "data")]
    for button in ("3", "2"):
        assert xvfb.run("xdotool", "mousemove", "640", "400", "click", button).returncode == 0
        with started(again, xvfb.env, tmp_path / f"kiosk-{button}.log") as restarted:
            window = kiosk_window(xvfb, restarted)
            wait_for(
                lambda: xvfb.run("xdotool", "getactivewindow").stdout.strip() == window,  # noqa: B023
                "openbox to make the restarted kiosk the active window",
            )
            assert windows_besides(xvfb, window) == [], f"after button {button} on the desktop"
            assert_nothing_but_the_kiosk(xvfb, restarted, window)
            kiosk_gone(xvfb, restarted)
