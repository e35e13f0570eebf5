"""The tests' own wait for a starting HQ (tests/hqserver.py): a server that takes the
connection but answers late is waited for, not an error of the test that started it."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from hqserver import HQStartError, wait_until_healthy


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts connections and never answers, as a server busy starting does."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def test_a_late_answer_is_waited_for_until_the_deadline(silent_server: str) -> None:
    with pytest.raises(HQStartError, match="did not answer"):
        wait_until_healthy(silent_server, alive=lambda: True, timeout=2.5)
