"""``kaft sepa-announce``, ``kaft sepa-run`` and ``kaft sepa-returns``: the same services as the
finance screen, from the console; a refusal is a clear message and writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from kaft.billing.models import SepaCollection, SepaReturnFile, SepaRun
from kaft.billing.selectors.charges import member_owed
from kaft.billing.services.sepa_run import xsd_check
from kaft.members.models import MessageType
from kaft.notices.models import Notice
from tests.factories_sepa import creditor, files_storage_in, pain_002, payer

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[3] / "tests" / "data" / "sepa"


@pytest.fixture(autouse=True)
def _sepa(tmp_path: Path) -> Iterator[None]:
    with creditor(), files_storage_in(tmp_path / "storage"):
        yield


def test_announce_run_and_returns_from_the_console(tmp_path: Path) -> None:
    member, _mandate, _charge = payer()
    day = (timezone.localdate() + dt.timedelta(days=15)).isoformat()
    out = tmp_path / "incasso.xml"

    call_command("sepa_announce", "--collection-date", day)
    call_command(
        "sepa_run", "--collection-date", day, "--format", "pain.008.001.08", "--out", str(out)
    )

    assert Notice.objects.filter(member=member, message_type=MessageType.SEPA_PRENOTICE).exists()
    xsd_check(out.read_bytes(), "pain.008.001.08")
    assert SepaRun.objects.get().format == "pain.008.001.08"
    assert member_owed(member) == Decimal("0.00")

    e2e = SepaCollection.objects.get().end_to_end_id
    returns = tmp_path / "psr.xml"
    returns.write_bytes(pain_002([e2e], code="MD06", message_id="PSR-CLI"))
    call_command("sepa_returns", str(returns))
    assert member_owed(member) == Decimal("52.00")
    with pytest.raises(CommandError, match="al eerder ingelezen|read before"):
        call_command("sepa_returns", str(returns))
    assert SepaReturnFile.objects.count() == 1


def test_refusals_are_clear_and_write_nothing(tmp_path: Path) -> None:
    payer()
    out = tmp_path / "incasso.xml"
    day = (timezone.localdate() + dt.timedelta(days=15)).isoformat()
    with pytest.raises(CommandError, match="2026-13-01"):
        call_command("sepa_run", "--collection-date", "2026-13-01", "--out", str(out))
    with pytest.raises(CommandError):  # nothing announced for the date
        call_command("sepa_run", "--collection-date", day, "--out", str(out))
    with pytest.raises(CommandError):
        call_command("sepa_returns", str(DATA / "not-a-return.xml"))
    with (
        creditor(KAFT_SEPA_CREDITOR_ID="NL00ZZZ123456780000"),
        pytest.raises(CommandError, match="KAFT_SEPA_CREDITOR_ID"),
    ):
        call_command("sepa_announce", "--collection-date", day)
    assert not out.exists()
    assert not SepaCollection.objects.exists() and not SepaRun.objects.exists()
    assert not SepaReturnFile.objects.exists()


def test_withdrawing_on_the_consent_page_ends_the_mandate(client: object) -> None:
    from django.test import Client

    member, mandate, _charge = payer()
    portal = Client()
    assert member.user is not None
    portal.force_login(member.user, backend="kaft.members.auth.MemberCardOrEmailBackend")

    portal.post("/mijn/toestemmingen/wijzigen/", {"purpose": "direct_debit", "given": "0"})

    mandate.refresh_from_db()
    assert mandate.status == "ended"
