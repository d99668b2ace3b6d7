"""The sound on a refused scan: Kaft's own file, and a switch on both scan screens."""

from __future__ import annotations

import io
import wave

import pytest
from django.test import Client

from kaft.desk.sound import PATH, refusal_sound
from kaft.members.models import User


def test_the_static_file_is_the_sound_kaft_makes() -> None:
    assert PATH.read_bytes() == refusal_sound()
    with wave.open(io.BytesIO(refusal_sound())) as sound:
        seconds = sound.getnframes() / sound.getframerate()
        assert (sound.getnchannels(), sound.getsampwidth(), sound.getframerate()) == (1, 2, 22_050)
    assert seconds == pytest.approx(0.18, abs=0.001)


@pytest.mark.parametrize("url", ["/desk/", "/desk/checkin/"])
def test_both_scan_screens_have_the_switch_remembered_per_staff_user(
    desk: Client, staff: User, url: str
) -> None:
    html = desk.get(url).content.decode()

    assert (
        '<input type="checkbox" id="sound-switch" checked data-sound-switch '
        'data-sound-src="/static/desk/refused.wav" '
        f'data-sound-key="kaft.desk.sound.{staff.pk}">'
    ) in html
    assert "Geluid bij een geweigerde scan" in html


def test_the_switch_in_english(desk: Client) -> None:
    desk.cookies["django_language"] = "en"

    assert "Sound on a refused scan" in desk.get("/desk/").content.decode()
