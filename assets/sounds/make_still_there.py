"""Makes still-there.wav, the "still there?" overlay's sound cue, from nothing but
arithmetic: two soft rising tones (E5 then A5, 0.16 s each), faded in and out so they do
not click, at half volume; 44.1 kHz, 16-bit, mono. Run from the repository's root:
``python assets/sounds/make_still_there.py``; the output is the same bytes every time."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 44_100
TONES_HZ = (659.26, 880.0)
TONE_S = 0.16
FADE_S = 0.02
VOLUME = 0.5


def samples() -> list[int]:
    out: list[int] = []
    n = int(RATE * TONE_S)
    fade = int(RATE * FADE_S)
    for hz in TONES_HZ:
        for i in range(n):
            envelope = min(1.0, i / fade, (n - 1 - i) / fade)
            out.append(round(32767 * VOLUME * envelope * math.sin(2 * math.pi * hz * i / RATE)))
    return out


def main() -> None:
    target = Path(__file__).with_name("still-there.wav")
    with wave.open(str(target), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(b"".join(struct.pack("<h", s) for s in samples()))


if __name__ == "__main__":
    main()
