"""Issue 9's "done means", end to end through the real code on each side of every door:

members with an overdue loan get herinnering 1 and 2 by the channel each chose (an e-mail on a
real SMTP server, an SMS on a stand-in of the SMS gateway, a letter in the desk's print PDF),
then the invoice by letter; the invoice blocks borrowing until the member pays at the desk; a
membership fee is collected by a pain.008 file that passes the XSD, and a returned debit makes it
owed again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from kaft.billing.models import Charge, ChargeKind, SepaRun
from kaft.billing.selectors.charges import charge_owed, member_money_block, member_owed
from kaft.billing.services.sepa_run import sepa_run_file, xsd_check
from kaft.circulation.errors import CirculationError, CirculationErrorCode
from kaft.circulation.models import Loan
from kaft.circulation.services import loan_checkout
from kaft.members.models import Address, AddressKind, Channel, MessageType
from kaft.notices.models import Notice, NoticeStatus
from kaft.notices.services.letters import print_run_build, print_run_confirm, print_run_start
from kaft.notices.services.outbox import notice_send
from kaft.notices.services.reminders import reminders_run
from tests.factories import ItemFactory, RecordFactory, StaffFactory
from tests.factories_desk import staff_login
from tests.factories_notices import make_member, make_open_loan, make_preference
from tests.factories_sepa import creditor, files_storage_in, fix_end_to_end_ids, payer
from tests.pdftext import pdf_lines
from tests.sms_gateway import SmsGateway
from tests.smtp import SmtpSink, smtp_server  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

D = Decimal
DUE = dt.date(2026, 11, 2)
SEPA_DATA = Path(__file__).resolve().parent / "data" / "sepa"


def at(days: int) -> dt.datetime:
    """05:00 local-ish (UTC) on ``days`` after the due date: when the daily run goes."""
    return dt.datetime.combine(DUE + dt.timedelta(days=days), dt.time(5), tzinfo=dt.UTC)


@pytest.fixture
def gateway() -> Iterator[SmsGateway]:
    with (
        SmsGateway(token="e2e") as standin,
        override_settings(KAFT_SMS_URL=standin.url, KAFT_SMS_TOKEN="e2e", KAFT_SMS_SENDER="Kaft"),
    ):
        yield standin


def _overdue(first_name: str, channel: Channel, **member: object) -> Loan:
    person = make_member(first_name=first_name, **member)
    Address.objects.create(member=person, kind=AddressKind.HOME, street="Oudegracht",
                           house_number="1", postcode="3511 AA", city="Utrecht")  # fmt: skip
    make_preference(member=person, message_type=MessageType.REMINDER, channel=channel)
    return make_open_loan(
        member=person,
        item__record=RecordFactory(title=f"Het boek van {first_name}"),
        item__replacement_price=D("19.95"),
        due_date=DUE,
    )


def _deliver(step_day: int) -> list[Notice]:
    """The run of ``step_day``, then every pending message sent as the worker would."""
    reminders_run(today=DUE + dt.timedelta(days=step_day), now=at(step_day))
    pending = list(Notice.objects.filter(status=NoticeStatus.PENDING).exclude(channel="letter"))
    for notice in pending:
        notice_send(notice_id=notice.pk, now=at(step_day))
    return pending


def _printed(step_day: int) -> list[str]:
    """The desk's print run of the letters waiting: its PDF's text, and the letters confirmed."""
    run = print_run_start(staff=None, now=at(step_day))
    built = print_run_build(run_id=run.pk)
    assert built is not None
    text = pdf_lines(storages["files"].open(built.file).read())
    print_run_confirm(run=built, staff=None, now=at(step_day))
    return text


def test_reminders_by_every_channel_then_the_invoice_blocks_until_paid_at_the_desk(
    smtp_server: SmtpSink,  # noqa: F811  (the fixture imported above)
    gateway: SmsGateway,
    tmp_path: Path,
) -> None:
    by_mail = _overdue("Eva", Channel.EMAIL, email="eva@example.org")
    by_sms = _overdue("Sam", Channel.SMS, phone="+31612345678")
    by_letter = _overdue("Lotte", Channel.LETTER)

    with files_storage_in(tmp_path):
        for step_day, word in ((7, "herinnering"), (21, "herinnering")):
            _deliver(step_day)
            letter = _printed(step_day)
            assert any("Het boek van Lotte" in line for line in letter)
            assert word in " ".join(letter).lower()

        mails = smtp_server.wait_for(2)
        assert [m.rcpt_tos for m in mails] == [["eva@example.org"]] * 2
        assert all("Het boek van Eva" in m.body for m in mails)
        assert [m["to"] for m in gateway.messages] == ["0031612345678"] * 2
        assert all("Het boek van Sam" not in m["text"] for m in gateway.messages)  # no titles

        # the invoice (+42) goes by letter to all three, whatever they chose
        _deliver(42)
        invoices = _printed(42)
    for loan in (by_mail, by_sms, by_letter):
        assert any(f"Het boek van {loan.member.first_name}" in line for line in invoices)
        block = member_money_block(loan.member)
        assert block is not None and block.code == "invoice_open"

    # Eva may not borrow: checkout is refused with the reason, and nothing is lent
    eva = by_mail.member
    assert eva is not None
    owed = member_owed(eva)
    assert owed == D("22.45")  # the replacement price and € 2,50 administration fee
    desk = StaffFactory.create()
    with pytest.raises(CirculationError) as refused:
        loan_checkout(item=ItemFactory.create(), member=eva, staff=desk,
                      branch=desk.staff_profile.branch)  # fmt: skip
    assert refused.value.code == CirculationErrorCode.MEMBER_INVOICE_OPEN
    assert Loan.objects.filter(member=eva).count() == 1

    # she pays everything in cash at the desk, and may borrow again at once
    client = staff_login(Client(), desk)
    paid = client.post(f"/desk/members/{eva.pk}/payments/pay/", {"method": "cash"}, follow=True)
    assert paid.status_code == 200
    assert member_owed(eva) == D("0.00") and member_money_block(eva) is None
    loan_checkout(item=ItemFactory.create(), member=eva, staff=desk,
                  branch=desk.staff_profile.branch)  # fmt: skip


def test_a_fee_is_collected_by_a_valid_pain_008_and_a_returned_debit_reopens_it(
    tmp_path: Path,
) -> None:
    collect_on = dt.date(2027, 1, 15)
    out = tmp_path / "incasso.xml"
    with creditor(), files_storage_in(tmp_path / "files"):
        payers = [payer(iban=iban) for iban in
                  ("NL91ABNA0417164300", "NL44RABO0123456789", "NL20INGB0001234567")]  # fmt: skip
        call_command("sepa_announce", "--collection-date", collect_on.isoformat())
        fix_end_to_end_ids(collect_on)
        call_command("sepa_run", "--collection-date", collect_on.isoformat(), "--out", str(out))
        run = SepaRun.objects.get()
        xsd_check(out.read_bytes(), run.format)  # the file written passes the official XSD
        assert out.read_bytes() == sepa_run_file(run)  # and is the one stored for download
        fees = [charge for _member, _mandate, charge in payers]
        assert [charge_owed(c) for c in fees] == [D("0.00")] * 3

        returns = SEPA_DATA / "pain.002.001.03-returns.xml"
        call_command("sepa_returns", str(returns))
        # the same file again is refused with the reason, and changes nothing
        with pytest.raises(CommandError, match="al eerder ingelezen"):
            call_command("sepa_returns", str(returns))

    # the bank returned two debits (AM04, MD01): those fees are owed again, the third is paid
    assert sorted(charge_owed(c) for c in fees) == [D("0.00"), D("52.00"), D("52.00")]
    assert Charge.objects.filter(kind=ChargeKind.MEMBERSHIP).count() == 3
