"""`kaft retention-proof`: lists what is kept too long (ids only); the job brings it to zero."""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from kaft.demo.load import DEMO_CARD, demo_load
from kaft.members.models import Member
from kaft.privacy.services.retention import retention_apply
from kaft.privacy.tasks import apply_retention
from tests.factories_retention import World, boundary_dataset


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    """Refusals are compared with their English text here; the Dutch is checked in the pages."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db


def _proof(*args: str) -> list[str]:
    out = StringIO()
    call_command("retention_proof", *args, stdout=out)
    return out.getvalue().splitlines()


def test_on_the_demo_library_the_proof_finds_rows_and_none_after_the_job() -> None:
    # given the demo library, with old loans, old messages and an expired note
    demo_load()
    before = _proof()
    tables = {line.split("\t")[0] for line in before[:-1]}
    assert {"circulation.Loan", "members.MemberNote", "notices.Notice"} <= tables
    assert re.fullmatch(rf"{len(before) - 1} rows past their retention period", before[-1])
    # nothing personal: no names, cards or e-mail addresses, only ids
    demo = Member.objects.get(card_number=DEMO_CARD)
    text = "\n".join(before)
    assert demo.last_name not in text and demo.card_number not in text and "@" not in text

    # when the daily task runs
    run_id = apply_retention()

    # then nothing is past its rule any more
    assert run_id is not None
    assert _proof() == ["0 rows past their retention period"]


def test_each_line_names_table_id_rule_and_how_far_past() -> None:
    world = World()
    now = timezone.now()
    rows = boundary_dataset(world, now)
    lines = _proof()
    loan_pk = rows["loans"][1][0]
    assert any(
        re.fullmatch(rf"circulation\.Loan\t{loan_pk}\tloan_history\t0 days [01]h past", line)
        for line in lines
    ), lines
    assert any(line.startswith("sessions.Session\ts0000") and "..." in line for line in lines)
    retention_apply()
    assert _proof() == ["0 rows past their retention period"]


def test_with_fail_it_exits_with_1_when_rows_are_past() -> None:
    demo_load()
    with pytest.raises(CommandError) as failed:
        _proof("--fail")
    assert failed.value.returncode == 1
    assert "rows past their retention period" in str(failed.value)

    retention_apply()
    assert _proof("--fail") == ["0 rows past their retention period"]


def test_apply_retention_runs_the_job_now_and_a_second_run_handles_nothing() -> None:
    demo_load()
    past = len(_proof()) - 1
    assert past > 0

    out = StringIO()
    call_command("apply_retention", stdout=out)
    lines = out.getvalue().splitlines()

    assert re.fullmatch(rf"{past} rows handled \(run \d+\)", lines[-1])
    assert _proof() == ["0 rows past their retention period"]
    again = StringIO()
    call_command("apply_retention", stdout=again)
    assert again.getvalue().splitlines()[-1].startswith("0 rows handled")
