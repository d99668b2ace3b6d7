"""Membership fees by SEPA direct debit: renewal charges the fee once, a mandate needs the
member's permission and keeps its IBAN encrypted, an announced fee is collected by a pain.008
file that passes the official XSD (both formats), and a returned debit reopens the charge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import storages
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from lxml import etree

from kaft.billing.creditor import creditor_check_messages, creditor_id_valid, creditor_settings
from kaft.billing.errors import BillingError, BillingErrorCode
from kaft.billing.models import (
    Charge,
    ChargeEvent,
    ChargeKind,
    CollectionStatus,
    Mandate,
    MandateStatus,
    MandateVia,
    Payment,
    PaymentMethod,
    SepaCollection,
    SepaFormat,
    SepaReturn,
    SepaReturnFile,
    SepaRun,
)
from kaft.billing.selectors.charges import charge_owed, member_owed
from kaft.billing.services.fees import fee_for_period, membership_renew
from kaft.billing.services.mandates import (
    iban_masked,
    mandate_sign,
    mandate_withdraw,
    mandates_lapse,
)
from kaft.billing.services.sepa_returns import sepa_returns_import
from kaft.billing.services.sepa_run import sepa_announce, sepa_run, sepa_run_file, xsd_check
from kaft.members.models import FeePeriod, MemberEvent
from kaft.privacy.models import ConsentEvent, ConsentPurpose, ConsentVia, StatementVersion
from kaft.privacy.services.consent import consent_given
from tests.factories import MemberCategoryFactory, MemberFactory
from tests.factories_sepa import (
    CREDITOR_ID,
    IBANS,
    adult_category,
    creditor,
    files_storage_in,
    fix_end_to_end_ids,
    payer,
)

pytestmark = pytest.mark.django_db

D = Decimal
DATA = Path(__file__).resolve().parents[3] / "tests" / "data" / "sepa"
NOW = timezone.make_aware(dt.datetime(2026, 12, 7, 10, 0))
COLLECT_ON = dt.date(2027, 1, 15)
ISO = "{urn:iso:std:iso:20022:tech:xsd:%s}"


@pytest.fixture(autouse=True)
def _files(tmp_path: Path) -> Iterator[None]:
    with files_storage_in(tmp_path):
        yield


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Charge, ChargeEvent, Payment, Mandate, SepaCollection, SepaRun, SepaReturn)
    } | {"files": SepaReturnFile.objects.count()}


# --- membership fees ------------------------------------------------------------------------


def test_renewal_charges_the_years_fee_once_and_extends_the_membership() -> None:
    member = MemberFactory.create(category=adult_category(), membership_end=dt.date(2026, 12, 31))

    renewal = membership_renew(member=member, today=dt.date(2026, 12, 7), now=NOW)
    again = membership_renew(member=member, today=dt.date(2026, 12, 7), now=NOW)

    assert (renewal.period_start, renewal.period_end) == (
        dt.date(2027, 1, 1),
        dt.date(2027, 12, 31),
    )
    assert renewal.charge is not None
    assert renewal.charge.kind == ChargeKind.MEMBERSHIP
    assert (renewal.charge.period_start, renewal.charge.period_end) == (
        dt.date(2027, 1, 1),
        dt.date(2027, 12, 31),
    )
    assert charge_owed(renewal.charge) == D("52.00")
    member.refresh_from_db()
    assert member.membership_end == dt.date(2027, 12, 31)
    # again (a second click): nothing new
    assert again.charge == renewal.charge
    assert Charge.objects.filter(member=member).count() == 1
    assert MemberEvent.objects.filter(member=member, action="renewed").count() == 1


def test_the_database_refuses_a_second_fee_for_one_period() -> None:
    member = MemberFactory.create(category=adult_category(), membership_end=dt.date(2026, 12, 31))
    renewal = membership_renew(member=member, today=dt.date(2026, 12, 7), now=NOW)
    assert renewal.charge is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        Charge.objects.create(
            member=member,
            kind=ChargeKind.MEMBERSHIP,
            created_at=NOW,
            period_start=dt.date(2027, 1, 1),
            period_end=dt.date(2027, 12, 31),
        )


def test_a_monthly_category_charges_a_twelfth_and_youth_pays_nothing() -> None:
    monthly = MemberCategoryFactory.create(
        code="maand", name="Per maand", annual_fee=D("55.00"), fee_period=FeePeriod.MONTHLY
    )
    youth = MemberCategoryFactory.create(code="jeugd", name="Jeugd", annual_fee=D("0.00"))
    member = MemberFactory.create(category=monthly, membership_end=dt.date(2027, 1, 31))
    child = MemberFactory.create(category=youth, membership_end=dt.date(2026, 12, 31))

    renewal = membership_renew(member=member, today=dt.date(2027, 1, 20), now=NOW)
    free = membership_renew(member=child, today=dt.date(2026, 12, 20), now=NOW)

    assert fee_for_period(monthly) == D("4.58")
    assert renewal.charge is not None and charge_owed(renewal.charge) == D("4.58")
    assert (renewal.period_start, renewal.period_end) == (dt.date(2027, 2, 1), dt.date(2027, 2, 28))
    assert free.charge is None
    child.refresh_from_db()
    assert child.membership_end == dt.date(2027, 12, 31)
    assert not Charge.objects.filter(member=child).exists()


# --- mandates -------------------------------------------------------------------------------


def test_a_mandate_records_the_permission_and_keeps_the_iban_encrypted() -> None:
    member = MemberFactory.create(category=adult_category())

    mandate = mandate_sign(
        member=member,
        iban="nl91 abna 0417 1643 00",
        signed_on=dt.date(2026, 12, 1),
        via=MandateVia.PAPER,
        now=NOW,
    )

    assert mandate.iban == "NL91ABNA0417164300"
    assert len(mandate.reference) <= 35 and mandate.reference.startswith("KAFT-")
    with connection.cursor() as cursor:
        cursor.execute("SELECT iban FROM billing_mandate WHERE id = %s", [mandate.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("f1:") and "0417164300" not in raw
    assert Mandate.objects.get(pk=mandate.pk).iban == "NL91ABNA0417164300"
    assert consent_given(member=member, purpose=ConsentPurpose.DIRECT_DEBIT)
    event = ConsentEvent.objects.get(member=member, purpose=ConsentPurpose.DIRECT_DEBIT)
    assert (event.given, event.via) == (True, ConsentVia.PAPER)
    assert event.statement_version == StatementVersion.objects.order_by("-pk").first()
    assert mandate.statement_version_id == event.statement_version_id
    assert iban_masked(mandate.iban) == "NL** **** **** **43 00"


@pytest.mark.parametrize(
    ("iban", "signed_on", "code"),
    [
        ("NL91ABNA0417164301", dt.date(2026, 12, 1), BillingErrorCode.IBAN_INVALID),
        ("NL91ABNA0417164300", dt.date(2027, 12, 1), BillingErrorCode.SIGNED_ON_INVALID),
    ],
)
def test_a_wrong_iban_or_date_is_refused_and_nothing_is_written(
    iban: str, signed_on: dt.date, code: BillingErrorCode
) -> None:
    member = MemberFactory.create(category=adult_category())
    before = counts()

    with pytest.raises(BillingError) as refused:
        mandate_sign(member=member, iban=iban, signed_on=signed_on, via=MandateVia.ONLINE, now=NOW)

    assert refused.value.code == code
    assert counts() == before
    assert not ConsentEvent.objects.filter(member=member).exists()


def test_a_child_cannot_sign_alone_and_nothing_is_written() -> None:
    child = MemberFactory.create(
        category=adult_category(), date_of_birth=timezone.localdate() - dt.timedelta(days=365 * 10)
    )
    with pytest.raises(BillingError) as refused:
        mandate_sign(
            member=child, iban=IBANS[0], signed_on=dt.date(2026, 12, 1), via=MandateVia.ONLINE
        )
    assert refused.value.code == BillingErrorCode.CONSENT_REFUSED
    assert not Mandate.objects.exists() and not ConsentEvent.objects.exists()


def test_one_live_mandate_per_member_also_in_the_database() -> None:
    member, mandate, _charge = payer()
    with pytest.raises(BillingError) as refused:
        mandate_sign(
            member=member, iban=IBANS[1], signed_on=dt.date(2026, 12, 1), via=MandateVia.ONLINE
        )
    assert refused.value.code == BillingErrorCode.MANDATE_EXISTS
    with pytest.raises(IntegrityError), transaction.atomic():
        Mandate.objects.create(
            member=member,
            reference="KAFT-OTHER",
            signed_on=dt.date(2026, 12, 1),
            via=MandateVia.PAPER,
            iban=IBANS[1],
            created_at=NOW,
        )


def test_withdrawing_the_permission_ends_the_mandate_at_once() -> None:
    member, mandate, _charge = payer()

    mandate_withdraw(member=member, via=ConsentVia.PORTAL)

    mandate.refresh_from_db()
    assert mandate.status == MandateStatus.ENDED and mandate.ended_at is not None
    assert not consent_given(member=member, purpose=ConsentPurpose.DIRECT_DEBIT)


def test_a_mandate_unused_for_36_months_lapses() -> None:
    _member, old, _c = payer(signed_on=dt.date(2023, 12, 6), iban=IBANS[0])
    _other, recent, _d = payer(signed_on=dt.date(2023, 12, 7), iban=IBANS[1])

    assert mandates_lapse(today=dt.date(2026, 12, 7)) == 1
    assert mandates_lapse(today=dt.date(2026, 12, 7)) == 0

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, recent.status) == (MandateStatus.LAPSED, MandateStatus.ACTIVE)


# --- the creditor ---------------------------------------------------------------------------


def test_the_creditor_identifier_check_digits() -> None:
    assert CREDITOR_ID == "NL69ZZZ123456780000"
    assert creditor_id_valid("NL69ZZZ123456780000")
    assert creditor_id_valid("nl69 zzz 123456780000")
    assert not creditor_id_valid("NL68ZZZ123456780000")  # a wrong check digit
    assert not creditor_id_valid("NL69ZZZ12345678")  # without 0000
    assert not creditor_id_valid("DE98ZZZ09999999999")  # not Dutch


def test_wrong_creditor_settings_are_refused_at_startup_and_at_the_run() -> None:
    with creditor(KAFT_SEPA_CREDITOR_ID="NL68ZZZ123456780000"):
        assert creditor_check_messages() == [
            "KAFT_SEPA_CREDITOR_ID “NL68ZZZ123456780000” is geen geldig Nederlands "
            "incassant-ID (NLccZZZ + KvK-nummer van 8 cijfers + 0000, met kloppende "
            "controlecijfers)."
        ]
        with pytest.raises(BillingError) as refused:
            sepa_announce(collection_date=COLLECT_ON, now=NOW)
        assert refused.value.code == BillingErrorCode.CREDITOR_ID_INVALID
    with creditor(KAFT_SEPA_CREDITOR_NAME=""):
        with pytest.raises(BillingError) as missing:
            creditor_settings()
        assert "KAFT_SEPA_CREDITOR_NAME" in missing.value.message
    with creditor():
        assert creditor_check_messages() == []


# --- announcing and collecting --------------------------------------------------------------


def _debits(xml: bytes, fmt: str) -> list[dict[str, str]]:
    root = etree.fromstring(xml)
    ns = ISO % fmt
    found = []
    for info in root.iter(f"{ns}PmtInf"):
        sequence = info.findtext(f"{ns}PmtTpInf/{ns}SeqTp")
        for tx in info.iter(f"{ns}DrctDbtTxInf"):
            found.append(
                {
                    "sequence": sequence or "",
                    "amount": tx.findtext(f"{ns}InstdAmt") or "",
                    "mandate": tx.findtext(f"{ns}DrctDbtTx/{ns}MndtRltdInf/{ns}MndtId") or "",
                    "iban": tx.findtext(f"{ns}DbtrAcct/{ns}Id/{ns}IBAN") or "",
                    "creditor": info.findtext(f"{ns}CdtrSchmeId/{ns}Id/{ns}PrvtId/{ns}Othr/{ns}Id")
                    or "",
                }
            )
    return found


@pytest.mark.parametrize("fmt", SepaFormat.values)
def test_an_announced_fee_is_collected_by_a_pain_008_that_passes_the_xsd(fmt: str) -> None:
    with creditor():
        member, mandate, charge = payer()
        announced = sepa_announce(collection_date=COLLECT_ON, now=NOW)
        run = sepa_run(collection_date=COLLECT_ON, fmt=fmt, now=NOW)

    assert (announced.count, announced.total) == (1, D("52.00"))
    assert (run.count, run.total, run.format) == (1, D("52.00"), fmt)
    xml = sepa_run_file(run)
    xsd_check(xml, fmt)  # raises when it does not pass
    assert _debits(xml, fmt) == [
        {
            "sequence": "FRST",
            "amount": "52.00",
            "mandate": mandate.reference,
            "iban": "NL91ABNA0417164300",
            "creditor": CREDITOR_ID,
        }
    ]
    assert run.stored_as.startswith("sepa/runs/2027-01-15-") and storages["files"].exists(
        run.stored_as
    )
    assert charge_owed(charge) == D("0.00")
    payment = Payment.objects.get(member=member)
    assert (payment.method, payment.amount) == (PaymentMethod.DIRECT_DEBIT, D("52.00"))
    assert ChargeEvent.objects.filter(charge=charge, kind="paid", payment=payment).count() == 1
    mandate.refresh_from_db()
    assert mandate.last_collected_on == COLLECT_ON
    storages["files"].delete(run.stored_as)


def test_the_second_collection_is_recurring_and_a_charge_is_never_collected_twice() -> None:
    with creditor():
        member, mandate, _charge = payer()
        sepa_announce(collection_date=COLLECT_ON, now=NOW)
        first = sepa_run(collection_date=COLLECT_ON, now=NOW)
        # nothing new: announcing again picks no charge twice, and there is nothing to run
        assert sepa_announce(collection_date=dt.date(2027, 2, 15), now=NOW).count == 0
        renewal = membership_renew(member=member, today=dt.date(2027, 12, 20), now=NOW)
        assert renewal.charge is not None
        sepa_announce(collection_date=dt.date(2027, 2, 15), now=NOW)
        second = sepa_run(collection_date=dt.date(2027, 2, 15), now=NOW)

    assert [d["sequence"] for d in _debits(sepa_run_file(second), second.format)] == ["RCUR"]
    assert SepaCollection.objects.filter(run=first).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        line = SepaCollection.objects.get(run=first).lines.get()
        SepaCollection.objects.get(run=second).lines.create(charge=line.charge, amount=D("1.00"))
    for run in (first, second):
        storages["files"].delete(run.stored_as)


def test_a_run_collects_only_what_was_announced() -> None:
    with creditor():
        payer()
        before = counts()
        with pytest.raises(BillingError) as nothing:
            sepa_run(collection_date=COLLECT_ON, now=NOW)
        assert nothing.value.code == BillingErrorCode.NOTHING_TO_COLLECT
        assert counts() == before
        with pytest.raises(BillingError) as soon:
            sepa_announce(collection_date=dt.date(2026, 12, 20), now=NOW)
        assert soon.value.code == BillingErrorCode.TOO_SOON
        assert soon.value.message == (
            "De incassodatum moet minstens 14 dagen vooruit liggen (de aankondigingstermijn): "
            "op zijn vroegst 21-12-2026."
        )
        assert counts() == before


def test_pain_008_001_02_needs_the_creditor_bic_and_writes_nothing_without_it() -> None:
    with creditor(KAFT_SEPA_CREDITOR_BIC=""):
        payer()
        sepa_announce(collection_date=COLLECT_ON, now=NOW)
        before = counts()
        with pytest.raises(BillingError) as refused:
            sepa_run(collection_date=COLLECT_ON, fmt=SepaFormat.PAIN_008_001_02, now=NOW)
        assert refused.value.code == BillingErrorCode.CREDITOR_BIC_NEEDED
        assert counts() == before
        run = sepa_run(collection_date=COLLECT_ON, fmt=SepaFormat.PAIN_008_001_08, now=NOW)
    storages["files"].delete(run.stored_as)


def test_a_file_that_fails_the_xsd_is_not_written(monkeypatch: pytest.MonkeyPatch) -> None:
    from kaft.billing.services.sepa_run import run as module

    with creditor(KAFT_SEPA_CREDITOR_NAME="Bibliotheek " + "x" * 80):
        payer()
        sepa_announce(collection_date=COLLECT_ON, now=NOW)
        before = counts()
        monkeypatch.setattr(module, "_description", lambda kinds: "")  # Ustrd must not be empty
        with pytest.raises(BillingError) as refused:
            sepa_run(collection_date=COLLECT_ON, now=NOW)
        files = storages["files"]
        saved = files.listdir("sepa/runs")[1] if files.exists("sepa/runs") else []
    assert refused.value.code == BillingErrorCode.XSD_INVALID
    assert "Ustrd" in refused.value.message
    assert counts() == before
    assert SepaCollection.objects.get().status == CollectionStatus.ANNOUNCED
    assert saved == []


def test_withdrawing_after_the_announcement_still_collects_once_then_ends() -> None:
    with creditor():
        member, mandate, charge = payer()
        sepa_announce(collection_date=COLLECT_ON, now=NOW)
        mandate_withdraw(member=member, via=ConsentVia.PORTAL)
        mandate.refresh_from_db()
        assert mandate.status == MandateStatus.ENDING
        run = sepa_run(collection_date=COLLECT_ON, now=NOW)

    mandate.refresh_from_db()
    assert mandate.status == MandateStatus.ENDED
    assert run.count == 1 and charge_owed(charge) == D("0.00")
    storages["files"].delete(run.stored_as)


def test_a_fee_paid_at_the_desk_after_the_announcement_is_left_out() -> None:
    from kaft.billing.services.payments import payment_take

    with creditor():
        member, _mandate, _charge = payer()
        sepa_announce(collection_date=COLLECT_ON, now=NOW)
        payment_take(member=member, amount=D("52.00"), method=PaymentMethod.PIN)
        with pytest.raises(BillingError) as refused:
            sepa_run(collection_date=COLLECT_ON, now=NOW)
    assert refused.value.code == BillingErrorCode.NOTHING_TO_COLLECT
    assert member_owed(member) == D("0.00")
    assert not Payment.objects.filter(method=PaymentMethod.DIRECT_DEBIT).exists()


# --- returns --------------------------------------------------------------------------------


def _collected_three() -> tuple[list[Mandate], list[Charge], SepaRun]:
    mandates, charges = [], []
    for n in range(3):
        _member, mandate, charge = payer(iban=IBANS[n])
        mandates.append(mandate)
        charges.append(charge)
    sepa_announce(collection_date=COLLECT_ON, now=NOW)
    fix_end_to_end_ids(COLLECT_ON)
    run = sepa_run(collection_date=COLLECT_ON, now=NOW)
    return mandates, charges, run


def test_a_returned_debit_reopens_the_charge_and_a_dead_mandate_ends() -> None:
    with creditor(KAFT_SEPA_RETURN_FEE=D("4.50")):
        mandates, charges, run = _collected_three()
        assert [charge_owed(c) for c in charges] == [D("0.00")] * 3

        report = sepa_returns_import(
            data=(DATA / "pain.002.001.03-returns.xml").read_bytes(), source="psr.xml"
        )

    assert (report.kind, report.message_id) == ("pain.002", "RABO-PSR-20270115-000173")
    assert (report.returned, report.unknown) == (2, 0)
    # AM04 (no money): owed again, the mandate stays; MD01 (no mandate): owed again, it ends
    assert [charge_owed(c) for c in charges] == [D("52.00"), D("52.00"), D("0.00")]
    for mandate in mandates:
        mandate.refresh_from_db()
    assert [m.status for m in mandates] == ["active", "ended", "active"]
    returns = list(SepaReturn.objects.order_by("end_to_end_id"))
    assert [(r.reason_code, r.mandate_ended, r.amount) for r in returns] == [
        ("AM04", False, D("52.00")),
        ("MD01", True, D("52.00")),
    ]
    fees = Charge.objects.filter(kind=ChargeKind.DEBIT_RETURN).order_by("pk")
    assert [(f.member_id, charge_owed(f)) for f in fees] == [
        (mandates[0].member_id, D("4.50")),
        (mandates[1].member_id, D("4.50")),
    ]
    refunded = ChargeEvent.objects.get(charge=charges[0], kind="refunded")
    assert refunded.reason == "AM04: er niet genoeg geld op de rekening stond"
    assert SepaCollection.objects.get(pk=returns[0].collection_id).status == "returned"
    storages["files"].delete(run.stored_as)


def test_a_camt_054_return_after_settlement_reopens_the_charge() -> None:
    with creditor():
        mandates, charges, run = _collected_three()
        report = sepa_returns_import(data=(DATA / "camt.054.001.02-returns.xml").read_bytes())

    assert (report.kind, report.returned) == ("camt.054", 1)
    assert charge_owed(charges[2]) == D("52.00")
    mandates[2].refresh_from_db()
    assert mandates[2].status == MandateStatus.ENDED  # AC04: the account was closed
    storages["files"].delete(run.stored_as)


def test_a_file_read_twice_changes_nothing_the_second_time() -> None:
    with creditor(KAFT_SEPA_RETURN_FEE=D("4.50")):
        _mandates, _charges, run = _collected_three()
        data = (DATA / "pain.002.001.03-returns.xml").read_bytes()
        sepa_returns_import(data=data)
        before = counts()
        with pytest.raises(BillingError) as seen:
            sepa_returns_import(data=data)
        # the same debits in another file (another message id) are not returned again
        again = sepa_returns_import(data=data.replace(b"RABO-PSR-20270115-000173", b"RABO-2"))
    assert seen.value.code == BillingErrorCode.RETURN_FILE_SEEN
    assert (again.returned, again.unknown) == (0, 0)
    assert {k: v for k, v in counts().items() if k != "files"} == {
        k: v for k, v in before.items() if k != "files"
    }
    storages["files"].delete(run.stored_as)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ((DATA / "not-a-return.xml").read_bytes(), BillingErrorCode.RETURN_FILE_NOT_SEPA),
        (b"<html><body>not a bank file</body></html>", BillingErrorCode.RETURN_FILE_NOT_SEPA),
        (b"PK\x03\x04 a zip", BillingErrorCode.RETURN_FILE_UNREADABLE),
        (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">&x;</Document>',
            BillingErrorCode.RETURN_FILE_NOT_SEPA,
        ),
    ],
)
def test_a_file_that_is_no_return_file_is_refused_and_nothing_is_written(
    data: bytes, code: BillingErrorCode
) -> None:
    before = counts()
    with pytest.raises(BillingError) as refused:
        sepa_returns_import(data=data)
    assert refused.value.code == code
    assert counts() == before


# --- retention ------------------------------------------------------------------------------


def test_mandates_runs_and_returns_go_14_months_after_they_ended() -> None:
    from kaft.billing.services.sepa_run import sepa_files_prune
    from kaft.billing.tasks import sepa_daily
    from kaft.privacy.services.retention import retention_apply

    with creditor():
        _mandates, _charges, run = _collected_three()
        sepa_returns_import(data=(DATA / "pain.002.001.03-returns.xml").read_bytes())
    ended = Mandate.objects.get(status=MandateStatus.ENDED)  # MD01 ended it
    Mandate.objects.filter(pk=ended.pk).update(ended_at=NOW)
    file_name = run.stored_as

    # 14 months later (427 days) nothing has gone yet; a day after, all of it
    retention_apply(now=NOW + dt.timedelta(days=426))
    assert Mandate.objects.filter(pk=ended.pk).exists() and SepaRun.objects.exists()
    retention_apply(now=timezone.make_aware(dt.datetime(2028, 3, 20, 10, 0)))

    assert not Mandate.objects.filter(pk=ended.pk).exists()
    assert Mandate.objects.filter(status=MandateStatus.ACTIVE).count() == 2  # still in use
    assert not SepaRun.objects.exists() and not SepaCollection.objects.exists()
    assert not SepaReturn.objects.exists() and not SepaReturnFile.objects.exists()
    assert Charge.objects.filter(kind=ChargeKind.MEMBERSHIP).count() == 3  # the fiscal rule
    assert storages["files"].exists(file_name)
    assert sepa_files_prune(now=timezone.now() + dt.timedelta(days=2)) == 1
    assert not storages["files"].exists(file_name)
    assert sepa_daily()["files_deleted"] == 0


def test_the_daily_job_renews_only_members_who_pay_by_direct_debit() -> None:
    from kaft.billing.services.fees import memberships_renew_due

    category = adult_category()
    paying = MemberFactory.create(category=category, membership_end=dt.date(2027, 1, 5))
    mandate_sign(member=paying, iban=IBANS[0], signed_on=dt.date(2026, 12, 1), via=MandateVia.PAPER)
    at_desk = MemberFactory.create(category=category, membership_end=dt.date(2027, 1, 5))
    later = MemberFactory.create(category=category, membership_end=dt.date(2027, 3, 1))
    mandate_sign(member=later, iban=IBANS[1], signed_on=dt.date(2026, 12, 1), via=MandateVia.PAPER)

    assert memberships_renew_due(today=dt.date(2026, 12, 7)) == 1
    assert memberships_renew_due(today=dt.date(2026, 12, 7)) == 0

    fee = Charge.objects.get(kind=ChargeKind.MEMBERSHIP)
    assert (fee.member_id, fee.period_start, fee.period_end) == (
        paying.pk,
        dt.date(2027, 1, 6),
        dt.date(2028, 1, 5),
    )
    at_desk.refresh_from_db()
    assert at_desk.membership_end == dt.date(2027, 1, 5)


def test_key_rotation_re_encrypts_the_iban(settings: Any) -> None:
    from io import StringIO

    from cryptography.fernet import Fernet
    from django.core.management import call_command

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.KAFT_FIELD_KEYS = [old]
    _member, mandate, _charge = payer()

    def raw() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT iban FROM billing_mandate WHERE id = %s", [mandate.pk])
            return str(cursor.fetchone()[0])

    before = raw()
    settings.KAFT_FIELD_KEYS = [new, old]
    out = StringIO()
    call_command("rotate_field_keys", stdout=out)

    assert "billing.Mandate.iban: 1 re-encrypted" in out.getvalue()
    assert raw() != before and raw().startswith("f1:")
    settings.KAFT_FIELD_KEYS = [new]
    assert Mandate.objects.get(pk=mandate.pk).iban == "NL91ABNA0417164300"
