"""Speech in the accessibility mode, heard by a real speech-dispatcher (issue 16).

Each test starts its own speech-dispatcher on a private socket, with a configuration whose
one output module writes every message it is asked to speak, and its language, to a file
instead of a sound card. The kiosk reaches it as it would the system's: Qt TextToSpeech's
speechd engine, through SPEECHD_ADDRESS.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from ces.assets import surveys_dir
from kiosk.flow.clock import ManualClock
from kiosk.ui.app import Kiosk
from kiosk.ui.driver import is_shown, tap

pytestmark = pytest.mark.ui

# The module writes "<language>: <text>" per message; the languages are the kiosk's.
RECORDER = """\
GenericExecuteSynth "echo '$LANGUAGE: $DATA' >> {spoken}"
AddVoice "nl" "FEMALE1" "nl"
AddVoice "en" "FEMALE1" "en"
AddVoice "de" "FEMALE1" "de"
AddVoice "fr" "FEMALE1" "fr"
GenericLanguage "nl" "nl" "utf-8"
GenericLanguage "en" "en" "utf-8"
GenericLanguage "de" "de" "utf-8"
GenericLanguage "fr" "fr" "utf-8"
"""
SPEECHD_CONF = """\
LogLevel 3
LogDir "{log}"
AudioOutputMethod "alsa"
AudioALSADevice "null"
AddModule "recorder" "sd_generic" "recorder.conf"
DefaultModule recorder
"""


class Heard:
    """What the private speech-dispatcher was asked to say, line by line."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def lines(self) -> list[str]:
        if not self.path.exists():
            return []
        return [line for line in self.path.read_text(encoding="utf-8").splitlines() if line]

    def texts(self) -> list[str]:
        return [line.partition(": ")[2] for line in self.lines()]

    def language_of(self, text: str) -> str:
        for line in self.lines():
            language, _, said = line.partition(": ")
            if said == text:
                return language
        raise AssertionError(f"{text!r} was not said: {self.lines()}")


@pytest.fixture
def heard(monkeypatch: pytest.MonkeyPatch) -> Iterator[Heard]:
    binary = shutil.which("speech-dispatcher")
    if binary is None:
        pytest.skip(
            "speech-dispatcher is not installed "
            "(Debian: apt-get install speech-dispatcher espeak-ng, as scripts/system-deps does)"
        )
    # A short path: a unix socket's name may not pass 107 bytes, which pytest's tmp_path can.
    home = Path(tempfile.mkdtemp(prefix="speechd-"))
    conf = home / "conf"
    (conf / "modules").mkdir(parents=True)
    (home / "log").mkdir()
    spoken = home / "spoken.txt"
    (conf / "speechd.conf").write_text(SPEECHD_CONF.format(log=home / "log"), encoding="utf-8")
    (conf / "modules" / "recorder.conf").write_text(
        RECORDER.format(spoken=spoken), encoding="utf-8"
    )
    socket = home / "speechd.sock"
    process = subprocess.Popen(
        [
            binary,
            "--run-single",
            "--timeout",
            "0",
            "--config-dir",
            str(conf),
            "--communication-method",
            "unix_socket",
            "--socket-path",
            str(socket),
            "--pid-file",
            str(home / "speechd.pid"),
            "--log-dir",
            str(home / "log"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    monkeypatch.setenv("SPEECHD_ADDRESS", f"unix_socket:{socket}")
    try:
        deadline_polls = 0
        while not socket.exists():
            # Not a sleep: wait for the process, which fails fast if it cannot start.
            try:
                process.wait(timeout=0.05)
            except subprocess.TimeoutExpired:
                deadline_polls += 1
                assert deadline_polls < 200, "speech-dispatcher made no socket in 10 s"
                continue
            pytest.fail(f"speech-dispatcher exited with {process.returncode}")
        yield Heard(spoken)
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def kiosk(make_kiosk: Callable[..., Kiosk], heard: Heard) -> Kiosk:
    return make_kiosk(speech_engine="speechd")


def press(kiosk: Kiosk, clock: ManualClock, name: str) -> None:
    clock.advance(1.0)
    tap(kiosk.window, name)


def key(kiosk: Kiosk, clock: ManualClock, which: Qt.Key) -> None:
    clock.advance(1.0)
    QTest.keyClick(kiosk.window, which)


# The survey the kiosk runs by default: what it says comes from there.
SURVEY = json.loads((surveys_dir() / "in_store_purchase.json").read_text(encoding="utf-8"))
QUESTION_NL = SURVEY["question"]["nl"]
QUESTION_EN = SURVEY["question"]["en"]
THANKS_NL = SURVEY["thanks"]["nl"]
WHY_NL = SURVEY["why"]["prompt"]["nl"]


def test_the_question_each_focused_option_and_the_thanks_are_spoken(
    kiosk: Kiosk, clock: ManualClock, qtbot: Any, heard: Heard
) -> None:
    press(kiosk, clock, "accessibilityButton")
    qtbot.waitUntil(lambda: kiosk.controller.accessible)
    press(kiosk, clock, "startArea")
    qtbot.waitUntil(lambda: QUESTION_NL in heard.texts(), timeout=10_000)
    assert heard.language_of(QUESTION_NL).startswith("nl")
    key(kiosk, clock, Qt.Key.Key_Right)
    key(kiosk, clock, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: "2, Mee oneens" in heard.texts(), timeout=10_000)
    key(kiosk, clock, Qt.Key.Key_6)
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "whyScreen"))
    key(kiosk, clock, Qt.Key.Key_1)
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "commentScreen"))
    press(kiosk, clock, "skipComment")
    qtbot.waitUntil(lambda: THANKS_NL in heard.texts(), timeout=10_000)


def test_speech_follows_the_shoppers_language(
    kiosk: Kiosk, clock: ManualClock, qtbot: Any, heard: Heard
) -> None:
    press(kiosk, clock, "attract_lang_en")
    press(kiosk, clock, "accessibilityButton")
    qtbot.waitUntil(lambda: kiosk.controller.accessible)
    press(kiosk, clock, "startArea")
    qtbot.waitUntil(lambda: QUESTION_EN in heard.texts(), timeout=10_000)
    assert heard.language_of(QUESTION_EN).startswith("en")


def test_nothing_is_spoken_outside_the_mode(
    kiosk: Kiosk, clock: ManualClock, qtbot: Any, heard: Heard
) -> None:
    spoken: list[str] = []
    assert kiosk.speech is not None
    kiosk.speech.spoke.connect(lambda text, _locale: spoken.append(text))
    press(kiosk, clock, "startArea")
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "questionScreen"))
    key(kiosk, clock, Qt.Key.Key_Right)
    key(kiosk, clock, Qt.Key.Key_5)
    qtbot.waitUntil(lambda: is_shown(kiosk.window, "whyScreen"))
    assert spoken == []
    # Then the mode: what it says first is the why prompt, so nothing came before it.
    press(kiosk, clock, "accessibilityButton")
    qtbot.waitUntil(lambda: WHY_NL in heard.texts(), timeout=10_000)
    assert heard.texts()[0] == WHY_NL


def test_a_language_without_a_voice_is_still_spoken(
    kiosk: Kiosk, clock: ManualClock, qtbot: Any, heard: Heard
) -> None:
    # The recorder offers no Turkish voice: the words are still said, in the voice there is.
    press(kiosk, clock, "attract_lang_tr")
    press(kiosk, clock, "accessibilityButton")
    qtbot.waitUntil(lambda: kiosk.controller.accessible)
    press(kiosk, clock, "startArea")
    question = SURVEY["question"]["tr"]
    qtbot.waitUntil(lambda: question in heard.texts(), timeout=10_000)
    assert heard.language_of(question).startswith("en")


def test_a_speech_dispatcher_that_never_answers_holds_up_nothing(
    make_kiosk: Callable[..., Kiosk],
    clock: ManualClock,
    qtbot: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The engine connects on its own thread: a speech-dispatcher that takes the connection
    and never answers (as a stuck one does) leaves the screens working."""
    home = Path(tempfile.mkdtemp(prefix="speechd-"))
    path = home / "silent.sock"
    # Another process, as speech-dispatcher is: one in this process would need its lock.
    # It takes the connection and answers nothing, until its stdin closes.
    silent = subprocess.Popen(
        [sys.executable, "-c", SILENT_SERVER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert silent.stdout is not None
    assert silent.stdout.readline() == "listening\n"
    monkeypatch.setenv("SPEECHD_ADDRESS", f"unix_socket:{path}")
    kiosk = make_kiosk(speech_engine="speechd")
    spoken: list[str] = []
    assert kiosk.speech is not None
    kiosk.speech.spoke.connect(lambda text, _locale: spoken.append(text))
    try:
        press(kiosk, clock, "accessibilityButton")
        press(kiosk, clock, "startArea")
        qtbot.waitUntil(lambda: is_shown(kiosk.window, "questionScreen"))
        assert spoken == [QUESTION_NL]
        # The engine is connected and waiting for an answer, and the screens go on.
        assert silent.stdout.readline() == "connected\n"
        key(kiosk, clock, Qt.Key.Key_4)
        qtbot.waitUntil(lambda: is_shown(kiosk.window, "whyScreen"))
        assert silent.poll() is None
    finally:
        # Closing does not wait for the stuck engine either: its process is ended.
        kiosk.close()
        assert silent.stdin is not None
        silent.stdin.close()
        silent.wait(timeout=10)
        silent.stdout.close()
        shutil.rmtree(home, ignore_errors=True)


# Should the kiosk wait for it, the kiosk would never get to close its stdin: it gives up
# by itself after 30 s then, so the test fails (its process has ended) instead of hanging.
SILENT_SERVER = """
import select, socket, sys
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(sys.argv[1])
server.listen()
print("listening", flush=True)
connection, _ = server.accept()
print("connected", flush=True)
select.select([sys.stdin], [], [], 30)
"""
