"""The reminder schedule's daily run: herinnering 1 and 2, the invoice, lost; once per step.

The default schedule (data migration): +7 herinnering 1, +21 herinnering 2, +42 aanmaning with
an invoice by letter (€ 2,50 and the replacement price), +90 lost.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaft.billing.models import Charge, ChargeKind, Invoice
from kaft.billing.selectors.charges import member_money_block, member_owed
from kaft.billing.services.charges import charge_create
from kaft.catalog.models import ItemStatus
from kaft.circulation.models import Loan, LoanAction, LoanEvent, LoanStatus
from kaft.circulation.services.loans import loan_checkin
from kaft.members.models import Address, AddressKind, Channel, MemberCategory, MessageType
from kaft.notices.models import (
    LoanReminder,
    Notice,
    NoticeProblem,
    NoticeStatus,
    ReminderMessage,
    ReminderOutcome,
    ReminderSchedule,
    ReminderStep,
)
from kaft.notices.render import render_message
from kaft.notices.services.reminders import reminders_run
from kaft.notices.tasks import run_reminders
from tests.factories import MemberCategoryFactory, RecordFactory
from tests.factories_notices import make_member, make_open_loan, make_preference
from tests.smtp import SmtpSink

pytestmark = pytest.mark.django_db

DUE = dt.date(2026, 11, 2)
NOW = dt.datetime(2026, 12, 7, 5, 0, tzinfo=dt.UTC)


def day(n: int) -> dt.date:
    return DUE + dt.timedelta(days=n)


def _loan(member: Any, title: str, due_date: dt.date = DUE, price: str = "19.95") -> Loan:
    return make_open_loan(
        member=member,
        item__record=RecordFactory(title=title),
        item__replacement_price=Decimal(price),
        due_date=due_date,
    )


def _state() -> dict[str, Any]:
    """Everything a run writes, to compare before and after a rerun."""
    return {
        "notices": sorted(Notice.objects.values_list("dedup_key", "status")),
        "records": sorted(
            LoanReminder.objects.values_list("loan_id", "days_after_due", "outcome", "done_on")
        ),
        "charges": sorted(Charge.objects.values_list("kind", "loan_id", "invoice_id")),
        "invoices": sorted(Invoice.objects.values_list("member_id", "issued_on", "due_on")),
        "loans": sorted(Loan.objects.values_list("pk", "status")),
        "events": LoanEvent.objects.count(),
    }


def test_the_default_schedule_is_the_dutch_one():
    schedule = ReminderSchedule.objects.get(category__isnull=True)
    steps = list(
        schedule.steps.order_by("days_after_due").values_list(
            "days_after_due",
            "message",
            "channel",
            "administration_fee",
            "charge_replacement",
            "make_invoice",
            "declare_lost",
        )
    )
    assert steps == [
        (7, "reminder", "", Decimal("0.00"), False, False, False),
        (21, "reminder", "", Decimal("0.00"), False, False, False),
        (42, "invoice", "letter", Decimal("2.50"), True, True, False),
        (90, "none", "", Decimal("0.00"), False, False, True),
    ]


REMINDER_1_NL = """Beste lezer,

Dit is herinnering 1. De 2 materialen die u hieronder leende, hadden al ingeleverd moeten zijn:

  - Max Havelaar (inleverdatum 02-11-2026)
  - Het Bureau (inleverdatum 02-11-2026)

Wilt u ze zo snel mogelijk inleveren, bij een van onze vestigingen? Wilt u ze langer houden? U kunt ze verlengen in MijnBibliotheek of aan de balie, tenzij iemand anders ze heeft gereserveerd.

Met vriendelijke groet,
Bibliotheek Kaft

--
Dit bericht is automatisch verstuurd. In MijnBibliotheek kunt u kiezen hoe u deze berichten ontvangt.
"""  # noqa: E501


def test_reminder_1_reaches_the_member_by_email_once_listing_their_loans(
    smtp_server: SmtpSink, django_capture_on_commit_callbacks
):
    # given a member with two loans due on DUE, one due a day later, and another member's loan
    member = make_member(email="sanne@example.org")
    max_havelaar = _loan(member, "Max Havelaar")
    het_bureau = _loan(member, "Het Bureau")
    later = _loan(member, "Later te laat", due_date=day(1))
    other = _loan(make_member(email="ander@example.org"), "Van een ander")

    # when the job runs 7 days after DUE
    with django_capture_on_commit_callbacks(execute=True):
        run = reminders_run(today=day(7), now=NOW)

    # then each member gets one e-mail: herinnering 1, the loans due 7 days ago, nothing else
    assert (run.loans, run.messages, run.charges, run.invoices, run.lost) == (3, 2, 0, 0, 0)
    mails = {mail.rcpt_tos[0]: mail for mail in smtp_server.wait_for(2)}
    assert set(mails) == {"sanne@example.org", "ander@example.org"}
    mail = mails["sanne@example.org"]
    assert mail.subject == "Herinnering 1: graag inleveren wat u leende"
    assert mail.body == REMINDER_1_NL
    notice = Notice.objects.get(member=member)
    assert (notice.message_type, notice.channel, notice.status) == (
        MessageType.REMINDER,
        Channel.EMAIL,
        NoticeStatus.SENT,
    )
    step_7 = ReminderStep.objects.get(schedule__category__isnull=True, days_after_due=7)
    assert notice.dedup_key == f"reminder:{member.pk}:{step_7.pk}:2026-11-09"
    records = LoanReminder.objects.filter(loan__member=member).order_by("loan_id")
    assert [(r.loan_id, r.step_id, r.outcome, r.notice_id) for r in records] == [
        (max_havelaar.pk, step_7.pk, ReminderOutcome.SENT, notice.pk),
        (het_bureau.pk, step_7.pk, ReminderOutcome.SENT, notice.pk),
    ]
    assert not LoanReminder.objects.filter(loan__in=[later]).exists()
    assert LoanReminder.objects.filter(loan=other).count() == 1

    # and a rerun the same day (or the next, for these loans) changes nothing and sends nothing
    before = _state()
    with django_capture_on_commit_callbacks(execute=True):
        again = reminders_run(today=day(7), now=NOW)
    assert (again.loans, again.messages) == (0, 0)
    assert _state() == before
    assert len(smtp_server.mails) == 2

    # the loan due a day later gets its own herinnering 1 the next day
    with django_capture_on_commit_callbacks(execute=True):
        next_day = reminders_run(today=day(8), now=NOW)
    assert (next_day.loans, next_day.messages) == (1, 1)
    assert LoanReminder.objects.get(loan=later).days_after_due == 7


INVOICE_NL = """Beste lezer,

We hebben u er al aan herinnerd, maar wat u hieronder leende is nog steeds niet ingeleverd:

  - Max Havelaar (inleverdatum 02-11-2026)

Factuur {number}
  - administratiekosten: € 2,50
  - vervanging van "Max Havelaar": € 19,95
  - te-laatgeld en kosten die voor deze uitleningen al openstonden: € 5,00
  Totaal: € 27,45

Wilt u vóór 28-12-2026 betalen, aan de balie van een van onze vestigingen (contant of met pin)? U kunt het bedrag ook overmaken naar NL91ABNA0417164300 ten name van Bibliotheek Kaft, onder vermelding van factuurnummer {number}.

Zolang de factuur openstaat, kunt u niet lenen. Breng de materialen toch terug: aan de balie hoort u wat dat aan de factuur verandert.

In totaal bent u de bibliotheek nu € 27,45 verschuldigd; in MijnBibliotheek ziet u waarvoor.

Met vriendelijke groet,
Bibliotheek Kaft

--
Dit bericht is automatisch verstuurd. In MijnBibliotheek kunt u kiezen hoe u deze berichten ontvangt.
"""  # noqa: E501


def test_herinnering_2_then_the_invoice_by_letter_with_fee_and_replacement_price(
    smtp_server: SmtpSink, settings, django_capture_on_commit_callbacks
):
    settings.KAFT_INVOICE_IBAN = "NL91ABNA0417164300"
    settings.KAFT_INVOICE_DUE_DAYS = 14
    member = make_member(email="sanne@example.org")
    Address.objects.create(
        member=member,
        kind=AddressKind.HOME,
        street="Oudegracht",
        house_number="12",
        postcode="3511 AB",
        city="Utrecht",
    )
    loan = _loan(member, "Max Havelaar")
    fine = charge_create(
        member=member, kind=ChargeKind.OVERDUE_FINE, amount=Decimal("5.00"), loan_id=loan.pk
    )
    with django_capture_on_commit_callbacks(execute=True):
        reminders_run(today=day(7), now=NOW)
        reminders_run(today=day(21), now=NOW)
    subjects = [mail.subject for mail in smtp_server.wait_for(2)]
    assert subjects == [
        "Herinnering 1: graag inleveren wat u leende",
        "Herinnering 2: graag inleveren wat u leende",
    ]
    assert member_money_block(member) is None  # € 5 is under the threshold, no invoice yet

    # when the invoice step's day comes
    with django_capture_on_commit_callbacks(execute=True):
        run = reminders_run(today=day(42), now=NOW)

    # then one invoice holds the fee, the replacement price and the fine that was open
    assert (run.loans, run.messages, run.charges, run.invoices) == (1, 1, 2, 1)
    invoice = Invoice.objects.get()
    assert (invoice.member_id, invoice.issued_on, invoice.due_on) == (
        member.pk,
        day(42),
        dt.date(2026, 12, 28),
    )
    charges = {c.kind: c for c in Charge.objects.all()}
    assert set(charges) == {ChargeKind.OVERDUE_FINE, ChargeKind.ADMINISTRATION, ChargeKind.LOST}
    assert {c.invoice_id for c in charges.values()} == {invoice.pk}
    assert (charges[ChargeKind.LOST].loan_id, charges[ChargeKind.LOST].item_id) == (
        loan.pk,
        loan.item_id,
    )
    assert charges[ChargeKind.OVERDUE_FINE].pk == fine.pk
    assert charges[ChargeKind.ADMINISTRATION].note == "Aanmaning met factuur"
    assert member_owed(member) == Decimal("27.45")
    block = member_money_block(member)
    assert block is not None and block.code == "invoice_open"

    # and the message goes by letter, as the step forces, though the member reads e-mail
    notice = Notice.objects.get(message_type=MessageType.INVOICE)
    assert (notice.channel, notice.status, notice.problem) == (
        Channel.LETTER,
        NoticeStatus.PENDING,  # the letter waits for the desk's print run; no e-mail is sent
        "",
    )
    assert notice.subject == f"Aanmaning en factuur {invoice.number}"
    assert notice.body == INVOICE_NL.format(number=invoice.number)
    assert len(smtp_server.mails) == 2
    record = LoanReminder.objects.get(loan=loan, days_after_due=42)
    assert (record.outcome, record.invoice_id, record.notice_id) == (
        ReminderOutcome.SENT,
        invoice.pk,
        notice.pk,
    )

    # a rerun changes nothing
    before = _state()
    assert reminders_run(today=day(42), now=NOW).loans == 0
    assert _state() == before


def test_the_long_overdue_loan_is_declared_lost_through_circulation():
    member = make_member()
    loan = _loan(member, "Max Havelaar")
    for n in (7, 21, 42):
        reminders_run(today=day(n), now=NOW)

    run = reminders_run(today=day(90), now=NOW)

    assert (run.loans, run.messages, run.lost, run.charges) == (1, 0, 1, 0)
    loan.refresh_from_db()
    loan.item.refresh_from_db()
    assert (loan.status, loan.item.status) == (LoanStatus.LOST, ItemStatus.LOST)
    event = LoanEvent.objects.get(loan=loan, action=LoanAction.DECLARE_LOST)
    assert (event.at, event.via) == (NOW, "reminders")
    record = LoanReminder.objects.get(loan=loan, days_after_due=90)
    assert (record.outcome, record.message, record.notice_id) == (
        ReminderOutcome.DONE,
        ReminderMessage.NONE,
        None,
    )
    # a lost loan gets nothing further
    before = _state()
    assert reminders_run(today=day(200), now=NOW).loans == 0
    assert _state() == before


def test_catching_up_sends_only_the_latest_step_and_skips_the_rest():
    # given a loan the job never saw, 45 days overdue
    member = make_member()
    loan = _loan(member, "Max Havelaar")

    run = reminders_run(today=day(45), now=NOW)

    # then one message (the invoice), the reminders recorded as passed over, no extra fees
    assert (run.loans, run.messages, run.skipped, run.charges, run.invoices) == (1, 1, 2, 2, 1)
    assert list(Notice.objects.values_list("message_type", flat=True)) == [MessageType.INVOICE]
    assert list(
        LoanReminder.objects.filter(loan=loan)
        .order_by("days_after_due")
        .values_list("days_after_due", "outcome")
    ) == [(7, "skipped"), (21, "skipped"), (42, "sent")]
    assert sorted(Charge.objects.values_list("kind", flat=True)) == ["admin", "lost"]
    assert member_owed(member) == Decimal("22.45")


def test_catching_up_past_lost_still_charges_the_replacement_price_once():
    member = make_member()
    loan = _loan(member, "Max Havelaar", price="30.00")

    run = reminders_run(today=day(95), now=NOW)

    # the invoice is the latest step with a message: it is sent; the loan is lost and charged
    assert (run.messages, run.lost, run.invoices) == (1, 1, 1)
    assert list(
        LoanReminder.objects.order_by("days_after_due").values_list("days_after_due", "outcome")
    ) == [(7, "skipped"), (21, "skipped"), (42, "sent"), (90, "done")]
    assert list(Charge.objects.values_list("kind", "loan_id")) == [
        ("admin", loan.pk),
        ("lost", loan.pk),
    ]
    assert member_owed(member) == Decimal("32.50")
    loan.refresh_from_db()
    assert loan.status == LoanStatus.LOST


def test_a_returned_loan_gets_nothing_further():
    member = make_member()
    loan = _loan(member, "Max Havelaar")
    reminders_run(today=day(7), now=NOW)
    loan_checkin(item=loan.item, branch=loan.branch, staff=None, now=NOW)

    before = _state()
    run = reminders_run(today=day(21), now=NOW)

    assert (run.loans, run.messages) == (0, 0)
    assert _state() == before


def test_the_member_chosen_channel_is_used_unless_the_step_forces_one():
    member = make_member()
    make_preference(member=member, message_type=MessageType.REMINDER, channel=Channel.SMS)
    make_preference(member=member, message_type=MessageType.INVOICE, channel=Channel.EMAIL)
    _loan(member, "Max Havelaar")

    reminders_run(today=day(7), now=NOW)
    reminders_run(today=day(42), now=NOW)

    channels = dict(Notice.objects.values_list("message_type", "channel"))
    assert channels == {MessageType.REMINDER: Channel.SMS, MessageType.INVOICE: Channel.LETTER}
    sms = Notice.objects.get(message_type=MessageType.REMINDER)
    assert (sms.status, sms.problem) == (NoticeStatus.FAILED, NoticeProblem.NO_PHONE)
    assert sms.body == (
        "Bibliotheek Kaft: herinnering 1. 1 exemplaar is te laat. "
        "Graag inleveren, of verlengen in MijnBibliotheek."
    )
    assert "Max Havelaar" not in sms.body


def test_the_sms_text_is_short_and_shows_titles_only_when_the_member_chose_so():
    context = {
        "channel": "sms",
        "number": 2,
        "loans": [{"title": f"Een heel lange titel van een boek nummer {n}"} for n in range(12)],
        "count": 12,
        "added": [],
        "owed": Decimal("123.45"),
        "invoice_number": "F2026-0000012",
        "invoice_total": Decimal("99.50"),
        "invoice_due": dt.date(2026, 12, 28),
    }
    for template in ("reminder", "invoice"):
        for language in ("nl", "en"):
            plain = render_message(
                template, language=language, context=context, channel="sms", show_titles=False
            ).body
            assert len(plain) <= 300 and "titel" not in plain, (template, language, plain)
            with_titles = render_message(
                template, language=language, context=context, channel="sms", show_titles=True
            ).body
            assert "Een heel lange titel" in with_titles and len(with_titles) <= 300
    sms = render_message(
        "invoice", language="nl", context=context, channel="sms", show_titles=False
    ).body
    # the channel's own fitting (sms_fit) may shorten the end; the start says what matters
    assert sms.startswith(
        "Bibliotheek Kaft: aanmaning. 12 exemplaren zijn nog niet ingeleverd. Factuur "
        "F2026-0000012: € 99,50, te betalen vóór 28-12-2026"
    )


def test_english_members_get_english_text(
    smtp_server: SmtpSink, django_capture_on_commit_callbacks
):
    member = make_member(preferred_language="en", email="emma@example.org")
    _loan(member, "The Evenings")
    with django_capture_on_commit_callbacks(execute=True):
        reminders_run(today=day(7), now=NOW)
    [mail] = smtp_server.wait_for(1)
    assert mail.subject == "Reminder 1: please return what you borrowed"
    assert mail.body.startswith(
        "Dear reader,\n\nThis is reminder 1. What you borrowed below is past its due date:\n\n"
        "  - The Evenings (due 02-11-2026)\n"
    )


def test_a_category_with_its_own_schedule_follows_it_instead_of_the_default():
    youth = MemberCategoryFactory.create(code="jeugd", name="Jeugd", annual_fee=Decimal("0"))
    schedule = ReminderSchedule.objects.create(category=youth)
    ReminderStep.objects.create(schedule=schedule, days_after_due=3, message="reminder")
    ReminderStep.objects.create(
        schedule=schedule, days_after_due=30, message="invoice", charge_replacement=True
    )
    child = make_member(category=youth)
    adult = make_member()
    _loan(child, "Dolfje Weerwolfje")
    _loan(adult, "Max Havelaar")

    assert reminders_run(today=day(3), now=NOW).messages == 1
    assert Notice.objects.get().member_id == child.pk
    assert reminders_run(today=day(30), now=NOW).messages == 2  # the child's invoice, adult's 1
    # no fee and no invoice for the youth schedule: only the replacement price
    assert list(Charge.objects.values_list("member_id", "kind", "invoice_id")) == [
        (child.pk, "lost", None)
    ]
    assert reminders_run(today=day(45), now=NOW).messages == 1  # the adult's invoice (caught up)


def _busy_schedule() -> None:
    """One step that does everything, so every statement of a chunk runs."""
    ReminderStep.objects.all().delete()
    schedule = ReminderSchedule.objects.get(category__isnull=True)
    ReminderStep.objects.create(
        schedule=schedule,
        days_after_due=10,
        message="invoice",
        channel="",
        administration_fee=Decimal("2.50"),
        charge_replacement=True,
        make_invoice=True,
        declare_lost=True,
    )


def _members_with_loans(count: int) -> None:
    for n in range(count):
        member = make_member(email=f"lid{n}@example.org")
        loan = _loan(member, f"Boek {n}")
        _loan(member, f"Boek {n}b")
        charge_create(
            member=member, kind=ChargeKind.OVERDUE_FINE, amount=Decimal("1.00"), loan_id=loan.pk
        )


def _statements(captured: CaptureQueriesContext) -> list[str]:
    """The SQL statements, without the savepoints of nested transactions."""
    return [
        q["sql"]
        for q in captured.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def test_a_chunk_takes_a_fixed_number_of_statements_however_many_loans() -> None:
    _busy_schedule()
    _members_with_loans(3)
    with CaptureQueriesContext(connection) as one_chunk:
        run = reminders_run(today=day(10), now=NOW, chunk_size=3)
    assert (run.chunks, run.loans, run.messages, run.lost) == (1, 6, 3, 6)

    _members_with_loans(9)  # three times as many: three chunks
    with CaptureQueriesContext(connection) as three_chunks:
        run = reminders_run(today=day(10), now=NOW, chunk_size=3)
    assert (run.chunks, run.loans, run.messages, run.lost) == (3, 18, 9, 18)

    # schedules (2) and the members with overdue loans (1), then per chunk the same statements
    one, three = _statements(one_chunk), _statements(three_chunks)
    per_chunk = (len(three) - len(one)) // 2
    assert len(one) == 3 + per_chunk
    # find, done steps, load, whether each member has a postal address (a letter); lost charges;
    # invoices; open charges and onto invoices; charges
    # and events; owed; outbox (keys, insert, read back); records; lost (5 through circulation,
    # then 6 in billing's step for lost loans: their fines end, replacement charges)
    assert per_chunk == 27, "\n".join(sql[:100] for sql in one)

    # a rerun finds the loans lost (no longer open): it reads the schedules and finds no members
    with CaptureQueriesContext(connection) as rerun:
        run = reminders_run(today=day(10), now=NOW, chunk_size=3)
    assert (run.loans, run.chunks) == (0, 0)
    assert len(_statements(rerun)) == 2 + 1


def test_a_rerun_reads_two_statements_per_chunk_and_writes_nothing():
    _members_with_loans(4)
    reminders_run(today=day(7), now=NOW, chunk_size=2)
    with CaptureQueriesContext(connection) as rerun:
        run = reminders_run(today=day(7), now=NOW, chunk_size=2)
    assert (run.loans, run.chunks) == (0, 2)
    assert len(_statements(rerun)) == 3 + 2 * 2


def test_the_command_runs_for_a_given_day(capsys):
    member = make_member()
    _loan(member, "Max Havelaar")
    call_command("reminders_run", "--date", "2026-11-09")
    assert capsys.readouterr().out == (
        "2026-11-09: 1 loans, 1 messages, 0 steps passed over, 0 charges, 0 invoices, 0 lost\n"
    )
    with pytest.raises(CommandError, match="not a date"):
        call_command("reminders_run", "--date", "9-11-2026")
    assert LoanReminder.objects.count() == 1


def test_the_beat_runs_the_job_daily(settings):
    entry = django_settings.CELERY_BEAT_SCHEDULE["run-reminders"]
    assert entry["task"] == "kaft.notices.tasks.run_reminders"
    assert run_reminders.name == entry["task"]
    assert run_reminders.delay().get() == 0  # nothing overdue


def _step_form(n: int, days: str, message: str = "reminder", **extra: str) -> dict[str, str]:
    data = {
        f"steps-{n}-days_after_due": days,
        f"steps-{n}-message": message,
        f"steps-{n}-channel": "",
        f"steps-{n}-administration_fee": "0.00",
    }
    return data | {f"steps-{n}-{key}": value for key, value in extra.items()}


def _post_schedule(client: Any, category: MemberCategory, *steps: dict[str, str]) -> Any:
    data = {
        "category": str(category.pk),
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
    }
    for step in steps:
        data |= step
    return client.post("/admin/notices/reminderschedule/add/", data)


@pytest.mark.parametrize(
    ("steps", "error"),
    [
        (
            [_step_form(0, "7"), _step_form(1, "7")],
            "Twee stappen van een schema kunnen niet op dezelfde dag vallen.",
        ),
        (
            [_step_form(0, "60", "none", declare_lost="on"), _step_form(1, "90")],
            "De stap die de uitlening als verloren beschouwt, moet de laatste zijn",
        ),
        (
            [_step_form(0, "7", "none", administration_fee="1.00")],
            "Administratiekosten horen bij een bericht: kies een bericht.",
        ),
        ([_step_form(0, "0")], "Zorg ervoor dat deze waarde minstens 1 is."),
    ],
)
def test_the_admin_refuses_a_schedule_that_cannot_run(admin_client, steps, error):
    category = MemberCategoryFactory.create(code="student", name="Student")
    response = _post_schedule(admin_client, category, *steps)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not ReminderSchedule.objects.filter(category=category).exists()


def test_the_admin_saves_a_schedule_in_order_of_days(admin_client):
    category = MemberCategoryFactory.create(code="student", name="Student")
    response = _post_schedule(
        admin_client,
        category,
        _step_form(0, "30", "invoice", administration_fee="1.50", make_invoice="on"),
        _step_form(1, "10"),
    )
    assert response.status_code == 302
    schedule = ReminderSchedule.objects.get(category=category)
    assert list(schedule.steps.values_list("days_after_due", "message", "administration_fee")) == [
        (10, "reminder", Decimal("0.00")),
        (30, "invoice", Decimal("1.50")),
    ]
    page = admin_client.get("/admin/notices/reminderschedule/")
    assert "+10 Herinnering, +30 Aanmaning met factuur" in page.content.decode()


def test_a_category_with_an_empty_schedule_gets_no_reminders():
    youth = MemberCategoryFactory.create(code="jeugd", name="Jeugd", annual_fee=Decimal("0"))
    ReminderSchedule.objects.create(category=youth)
    _loan(make_member(category=youth), "Dolfje Weerwolfje")

    run = reminders_run(today=day(100), now=NOW)

    assert (run.loans, run.messages, run.chunks) == (0, 0, 1)  # read, nothing due
    assert not LoanReminder.objects.exists() and not Charge.objects.exists()


def test_a_reminder_fee_is_charged_once_per_message_and_named_after_its_step():
    ReminderStep.objects.filter(days_after_due=21).update(administration_fee=Decimal("1.00"))
    member = make_member()
    first = _loan(member, "Max Havelaar")
    _loan(member, "Het Bureau")
    reminders_run(today=day(7), now=NOW)

    reminders_run(today=day(21), now=NOW)

    [fee] = Charge.objects.all()
    assert (fee.kind, fee.loan_id, fee.note, fee.invoice_id) == (
        ChargeKind.ADMINISTRATION,
        first.pk,
        "Herinnering 2",
        None,
    )
    assert member_owed(member) == Decimal("1.00")
    assert "Met dit bericht brengen we in rekening:\n  - administratiekosten: € 1,00\n" in (
        Notice.objects.get(dedup_key__contains=":2026-11-23").body
    )
