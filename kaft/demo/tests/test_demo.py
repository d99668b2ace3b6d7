"""The demo library `make run` loads: complete, and loaded only once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Model
from django.test import RequestFactory
from django.utils import timezone

from kaft.catalog.models import Branch, ClosedDay, Item, ItemType, Record
from kaft.circulation.models import (
    Hold,
    HoldEvent,
    HoldStatus,
    Loan,
    LoanEvent,
    LoanRule,
    LoanStatus,
    Transfer,
)
from kaft.demo.load import (
    DEMO_CARD,
    DEMO_PASSWORD,
    DESK_STAFF,
    PRIVACY_OFFICER,
    SECOND_PRIVACY_OFFICER,
    banner,
    demo_load,
)
from kaft.demo.people import BLOCK_REASON, BLOCKED_CARD, YOUTH_CARD
from kaft.members.models import (
    Address,
    Member,
    MemberCategory,
    MemberStatus,
    StaffProfile,
    StaffRole,
    User,
)

pytestmark = pytest.mark.django_db

MARC_RECORDS = 36  # the records of the nine sample files the demo imports (tests/data/marc)

COUNTED: tuple[type[Model], ...] = (
    Branch, ClosedDay, MemberCategory, LoanRule, Record, Item, Member, Address, User,
    StaffProfile, Loan, LoanEvent, Hold, HoldEvent, Transfer,
)  # fmt: skip


def _counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in COUNTED}


def test_a_second_run_neither_duplicates_nor_wipes_anything() -> None:
    # given the demo was loaded once, and a member of staff then changed a member
    assert demo_load().loaded is True
    Member.objects.filter(card_number=DEMO_CARD).update(phone="0612345678")
    counts = _counts()

    # when it is loaded again
    result = demo_load()

    # then nothing was written: same rows, and the change is still there
    assert result.loaded is False
    assert _counts() == counts
    assert Member.objects.get(card_number=DEMO_CARD).phone == "0612345678"


def test_the_demo_library_has_branches_members_and_copies() -> None:
    demo_load()

    assert list(Branch.objects.order_by("isil").values_list("isil", "closed_weekdays")) == [
        ("NL-KaftC", [6]),
        ("NL-KaftN", [6]),
        ("NL-KaftZ", [6]),
    ]
    assert ClosedDay.objects.filter(reason="Koningsdag").count() == 3
    # the library's own copies (besides them, the interlibrary demo's copies lent to us)
    assert Item.objects.exclude(item_type=ItemType.INTERLIBRARY).count() == 2000
    assert Record.objects.filter(control_number__startswith="kaft-demo-").count() > 700
    # the real MARC samples come from the project's own tree (a clone needs nothing beside it)
    imported = Record.objects.exclude(control_number__startswith="kaft-demo-")
    imported = imported.exclude(items__item_type=ItemType.INTERLIBRARY)  # titles lent to us
    assert imported.count() == MARC_RECORDS
    assert Member.objects.count() == 50
    youth = Member.objects.select_related("category").get(card_number=YOUTH_CARD)
    assert youth.age_on(timezone.localdate()) < 18
    assert (youth.category.code, youth.category.annual_fee, youth.category.max_age) == (
        "jeugd",
        0,
        18,
    )
    blocked = Member.objects.get(card_number=BLOCKED_CARD)
    assert (blocked.status, blocked.block_reason) == (MemberStatus.BLOCKED, BLOCK_REASON)
    assert StaffProfile.objects.get(user__username=DESK_STAFF.username).role == StaffRole.DESK
    officers = StaffProfile.objects.filter(role=StaffRole.PRIVACY_OFFICER)
    assert sorted(officers.values_list("user__username", flat=True)) == ["privacy", "privacy2"]


def test_the_demo_has_overdue_loans_a_ready_hold_and_a_queue() -> None:
    demo_load()
    today = timezone.localdate()
    demo = Member.objects.get(card_number=DEMO_CARD)

    open_loans = Loan.objects.filter(status=LoanStatus.OPEN)
    assert open_loans.filter(due_date__lt=today).count() >= 5
    assert open_loans.filter(member__card_number=DEMO_CARD, due_date__lt=today).count() == 1
    assert Loan.objects.filter(status=LoanStatus.RETURNED).count() >= 20
    ready = Hold.objects.filter(status=HoldStatus.READY)
    assert ready.count() == 2
    assert ready.filter(member__card_number=DEMO_CARD, pickup_deadline__gte=today).count() == 1
    assert Hold.objects.filter(status=HoldStatus.WAITING).count() == 3
    assert Hold.objects.filter(status=HoldStatus.IN_TRANSIT).count() == 1
    waiting = Hold.objects.filter(status=HoldStatus.WAITING).order_by("placed_at")
    assert [h.member_id == demo.pk for h in waiting] == [False, True, False]


def test_the_demo_member_and_the_desk_can_log_in() -> None:
    demo_load()
    request = RequestFactory().post("/inloggen/")

    member_user = authenticate(request, username=DEMO_CARD, password=DEMO_PASSWORD)
    desk_user = authenticate(request, username=DESK_STAFF.username, password=DESK_STAFF.password)

    assert member_user is not None
    assert member_user == Member.objects.get(card_number=DEMO_CARD).user
    assert desk_user is not None
    assert desk_user.username == "balie"


def test_the_second_privacy_officer_decides_a_police_request_the_first_registered() -> None:
    """Four eyes in the demo: the second officer may approve what the first registered."""
    from kaft.privacy.models import LegalRequestStatus
    from kaft.privacy.services.legal import legal_request_decide
    from tests.factories_transparency import legal_request

    demo_load()
    first = User.objects.get(username=PRIVACY_OFFICER.username)
    second = authenticate(
        RequestFactory().post("/desk/login/"),
        username=SECOND_PRIVACY_OFFICER.username,
        password=SECOND_PRIVACY_OFFICER.password,
    )
    assert second is not None
    registered = legal_request(Member.objects.get(card_number=DEMO_CARD), first)

    legal_request_decide(request=registered, staff=second, approve=True, reason="Rechtsgeldig")

    registered.refresh_from_db()
    assert registered.status == LegalRequestStatus.APPROVED


def test_the_banner_prints_the_urls_and_the_logins() -> None:
    out = StringIO()

    call_command("demo", "--banner", "--url", "http://127.0.0.1:8000/", stdout=out)

    text = out.getvalue()
    assert "http://127.0.0.1:8000/desk/" in text
    assert "http://127.0.0.1:8000/inloggen/" in text
    assert "balie / balie-demo-2026" in text
    assert f"card {DEMO_CARD} / {DEMO_PASSWORD}" in text
    assert "privacy / privacy-demo-2026" in text
    assert "privacy2 / privacy2-demo-2026" in text
    assert "financien / financien-demo-2026" in text
    assert banner("http://x/").count("http://x/") == 3


def test_the_demo_has_money_to_show_and_a_finance_login() -> None:
    from decimal import Decimal

    from django.test import Client

    from kaft.billing.models import Charge, ChargeKind, Payment
    from kaft.billing.selectors.cash import cash_day
    from kaft.billing.selectors.charges import (
        charge_owed,
        member_money_block,
        member_owed,
        members_owing,
    )
    from kaft.demo.load import FINANCE_STAFF

    demo_load()

    sanne = Member.objects.get(card_number=DEMO_CARD)
    fines = sum(
        (charge_owed(c) for c in Charge.objects.filter(member=sanne, kind=ChargeKind.OVERDUE_FINE)),
        Decimal("0.00"),
    )
    assert member_owed(sanne) == Decimal("7.00") + fines  # the desk's charges and her late fee
    assert member_money_block(sanne) is None  # under the threshold: the demo member may borrow
    assert Payment.objects.filter(member=sanne).count() == 1
    assert any(member_money_block(m) is not None for m in members_owing())
    finance = User.objects.get(username=FINANCE_STAFF.username)
    assert finance.staff_profile.role == StaffRole.FINANCE
    assert authenticate(
        RequestFactory().post("/desk/login/"),
        username=FINANCE_STAFF.username,
        password=FINANCE_STAFF.password,
    )
    report = cash_day(branch=finance.staff_profile.branch, day=timezone.localdate())
    assert (report.total, len(report.waivers)) == (Decimal("17.50"), 1)
    client = Client()
    client.force_login(finance)
    assert client.get("/desk/cash/").status_code == 200


def test_overdue_loans_show_late_fees_and_children_pay_none() -> None:
    from kaft.billing.models import Charge, ChargeKind
    from kaft.billing.selectors.charges import member_money_block
    from kaft.billing.selectors.fines import member_loan_fines

    demo_load()
    demo = Member.objects.get(card_number=DEMO_CARD)
    youth = Member.objects.get(card_number=YOUTH_CARD)

    late = Loan.objects.get(member=demo, status=LoanStatus.OPEN, due_date__lt=timezone.localdate())
    assert list(member_loan_fines(demo)) == [late.pk]
    assert member_money_block(demo) is None  # a fine below the limit: the demo member may borrow
    assert MemberCategory.objects.get(code="jeugd").charges_no_fines
    assert not Charge.objects.filter(member=youth).exists()
    assert Charge.objects.filter(kind=ChargeKind.OVERDUE_FINE, accruing=True).count() >= 3


def test_the_demo_shows_every_reminder_step_letters_sms_and_direct_debit() -> None:
    from kaft.billing.models import Charge, ChargeKind, Invoice, Mandate
    from kaft.members.models import Channel
    from kaft.notices.models import LoanReminder, Notice

    demo_load()

    sent = set(LoanReminder.objects.filter(outcome="sent").values_list("days_after_due", flat=True))
    assert {7, 21, 42} <= sent  # herinnering 1, herinnering 2 and the invoice
    assert Loan.objects.filter(status=LoanStatus.LOST).exists()  # lost at +90
    assert Invoice.objects.exists()
    channels = set(Notice.objects.filter(message_type="reminder").values_list("channel", flat=True))
    assert {Channel.LETTER, Channel.SMS} <= channels
    mandates = Mandate.objects.all()
    assert mandates.count() == 2
    for mandate in mandates:
        assert Charge.objects.filter(member=mandate.member, kind=ChargeKind.MEMBERSHIP).exists()
