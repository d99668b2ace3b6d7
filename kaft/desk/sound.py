"""The short sound the desk plays on a refused scan, made by Kaft itself.

Two falling tones (660 Hz, then 440 Hz, 90 ms each, softened at both ends so they do not click),
16-bit mono at 22,050 Hz: a WAV file of about 8 KB, served as the static file
``desk/refused.wav``. That file is this function's output; ``python -m kaft.desk.sound`` writes
it again (a test checks the two are the same).
"""

from __future__ import annotations

import io
import math
import struct
import wave
from pathlib import Path

RATE = 22_050
TONES = ((660.0, 0.09), (440.0, 0.09))  # (frequency in Hz, seconds)
VOLUME = 0.35  # of full scale: audible at the desk, not startling
FADE = 0.01  # seconds of fade in and out of each tone
PATH = Path(__file__).parent / "static" / "desk" / "refused.wav"


def _tone(frequency: float, seconds: float) -> list[int]:
    count = round(RATE * seconds)
    fade = round(RATE * FADE)
    samples = []
    for n in range(count):
        envelope = min(1.0, n / fade, (count - 1 - n) / fade)
        value = VOLUME * envelope * math.sin(2 * math.pi * frequency * n / RATE)
        samples.append(round(value * 32_767))
    return samples


def refusal_sound() -> bytes:
    """The WAV file's bytes (the same every time: no randomness, no date in the header)."""
    samples = [s for frequency, seconds in TONES for s in _tone(frequency, seconds)]
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(struct.pack(f"<{len(samples)}h", *samples))
    return buffer.getvalue()


if __name__ == "__main__":  # pragma: no cover - writes the static file
    PATH.write_bytes(refusal_sound())
    print(f"{PATH} ({PATH.stat().st_size} bytes)")
