"""The right to erasure: blockers, anonymising through the register, statistics kept, the goodbye
e-mail, waiting requests settled by the daily job."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.db.models.functions import TruncMonth
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from kaft.circulation.models import Hold, HoldStatus, Loan, LoanStatus
from kaft.members.models import (
    Address,
    FamilyAccess,
    FamilyAccessEvent,
    Member,
    MemberEvent,
    MemberStatus,
    MessageType,
    User,
)
from kaft.notices.models import DeliveryAttempt, Notice, NoticeStatus
from kaft.privacy.errors import PrivacyError, PrivacyErrorCode
from kaft.privacy.models import (
    AccessLogEntry,
    Consent,
    ConsentEvent,
    ErasureRequest,
    ErasureStatus,
    LegalRequest,
    LegalRequestStatus,
)
from kaft.privacy.services.erasure import (
    erasure_blockers,
    erasure_request,
    erasure_request_cancel,
    erasure_requests_settle,
    member_erase,
)
from tests.factories_rights import make_full_member, make_loan, make_member, make_staff
from tests.smtp import SmtpSink, use_smtp

pytestmark = pytest.mark.django_db


def _statistics() -> list[Any]:
    return sorted(
        Counter(
            (row["record_id"], row["branch_id"], row["member_category_id"], row["age_band"], m)
            for row, m in (
                (row, row["month"].strftime("%Y-%m"))
                for row in Loan.objects.annotate(month=TruncMonth("checked_out_at")).values(
                    "record_id", "branch_id", "member_category_id", "age_band", "month"
                )
            )
        ).items()
    )


def _personal_rows(member: Member) -> dict[str, int]:
    return {
        "addresses": Address.objects.filter(member=member).count(),
        "events": MemberEvent.objects.filter(member=member).count(),
        "consents": Consent.objects.filter(member=member).count(),
        "access_log": AccessLogEntry.objects.filter(member=member).count(),
        "loans": Loan.objects.filter(member=member).count(),
        "holds": Hold.objects.filter(member=member).count(),
        "notices": Notice.objects.filter(member=member).count(),
    }


# --- blockers ---------------------------------------------------------------------------------


def test_open_loans_block_with_their_titles() -> None:
    member = make_member()
    make_loan(member, item__record__title="De avonden")
    make_loan(member, item__record__title="Max Havelaar")

    with translation.override("en"):
        blockers = erasure_blockers(member)

        assert [b.code for b in blockers] == ["open_loans"]
        assert str(blockers[0].message) == (
            "You still have 2 items on loan: De avonden, Max Havelaar."
        )


def test_a_pending_police_request_blocks_with_a_neutral_message() -> None:
    member = make_member()
    staff = make_staff()
    LegalRequest.objects.create(
        authority="Politie Utrecht",
        reference="PU-1",
        legal_basis="art. 126nd Sv",
        member=member,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 2, 1),
        registered_by=staff,
        registered_at=timezone.now(),
    )

    blockers = erasure_blockers(member)

    assert [b.code for b in blockers] == ["pending_request"]
    assert "Politie" not in str(blockers[0].message)
    assert "police" not in str(blockers[0].message).lower()


def test_nothing_in_the_way() -> None:
    assert erasure_blockers(make_member()) == []


def test_erase_refuses_with_blockers_and_changes_nothing() -> None:
    full = make_full_member()
    before = _personal_rows(full.member)

    with pytest.raises(PrivacyError) as refused:
        member_erase(member=full.member)

    assert refused.value.code == PrivacyErrorCode.ERASURE_BLOCKED
    assert _personal_rows(full.member) == before
    full.member.refresh_from_db()
    assert full.member.last_name == "Bakker"
    assert full.member.status == MemberStatus.ACTIVE
    assert Notice.objects.filter(message_type=MessageType.ACCOUNT_ERASED).count() == 0


# --- erasing ----------------------------------------------------------------------------------


def test_erase_anonymises_the_member_and_clears_the_registered_tables(
    django_capture_on_commit_callbacks: Any,
) -> None:
    full = make_full_member(erasable=True)
    member = full.member
    user_id = member.user_id
    stats_before = _statistics()

    with django_capture_on_commit_callbacks():
        member_erase(member=member)

    member.refresh_from_db()
    assert (member.first_name, member.name_prefix, member.last_name) == ("", "", "")
    assert member.card_number == f"erased-{member.pk}"
    assert member.date_of_birth is None
    assert (member.email, member.phone) == ("", "")
    assert member.status == MemberStatus.ERASED
    assert member.erased_at is not None
    assert member.user_id is None
    assert user_id is not None
    assert not User.objects.filter(pk=user_id).exists()
    assert _personal_rows(member) == {
        "addresses": 0,
        "events": 0,
        "consents": 0,
        "access_log": 0,
        "loans": 0,
        "holds": 0,
        "notices": 0,
    }
    assert DeliveryAttempt.objects.count() == 0
    # the loans stay, unlinked, with what the statistics count
    assert Loan.objects.filter(member__isnull=True).count() == 2
    assert list(Hold.objects.filter(member__isnull=True).values_list("status", flat=True)) == [
        HoldStatus.CANCELLED
    ]
    assert _statistics() == stats_before
    # the other member's own rows: family access with her is gone, his consent history stays
    assert FamilyAccess.objects.count() == 0
    assert FamilyAccessEvent.objects.count() == 0
    assert ConsentEvent.objects.filter(guardian=member).count() == 0
    # the earlier (cancelled) request stays as proof; nothing personal in it
    assert ErasureRequest.objects.filter(member=member).count() == 1


def test_erase_leaves_no_kiosk_pin_and_no_trace_of_a_kiosk_block() -> None:
    member = make_full_member(erasable=True).member
    Member.objects.filter(pk=member.pk).update(kiosk_pin="hmac$salt$digest", blocked_by_kiosk=True)

    member_erase(member=Member.objects.get(pk=member.pk))

    member.refresh_from_db()
    assert (member.kiosk_pin, member.blocked_by_kiosk) == ("", False)


def test_the_other_members_data_stays() -> None:
    full = make_full_member(erasable=True)
    other = full.other
    make_loan(other)

    member_erase(member=full.member)

    other.refresh_from_db()
    assert other.last_name == "Smitsma"
    assert Loan.objects.filter(member=other).count() == 1
    assert other.user is not None


def test_erasing_twice_is_refused() -> None:
    member = make_member()
    member_erase(member=member)

    with pytest.raises(PrivacyError) as refused:
        member_erase(member=member)

    assert refused.value.code == PrivacyErrorCode.ALREADY_ERASED


def test_erase_costs_the_same_number_of_queries_for_few_and_many_rows() -> None:
    few, many = make_member(), make_member()
    for member, count in ((few, 1), (many, 6)):
        for _ in range(count):
            loan = make_loan(member)
            Loan.objects.filter(pk=loan.pk).update(
                status=LoanStatus.RETURNED, returned_at=timezone.now()
            )
            MemberEvent.objects.create(member=member, action="registered", at=timezone.now())

    counts = []
    for member in (few, many):
        with CaptureQueriesContext(connection) as queries:
            member_erase(member=member)
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_a_logged_in_session_is_logged_out() -> None:
    member = make_member()
    client = Client()
    assert member.user is not None
    client.force_login(member.user, backend="kaft.members.auth.MemberCardOrEmailBackend")
    assert client.get("/mijn/").status_code == 200

    member_erase(member=member)

    response = client.get("/mijn/")
    assert response.status_code == 302
    assert response["Location"].startswith("/inloggen/")


def test_the_goodbye_email_goes_to_the_address_captured_before_anonymising(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member = make_member(email="afscheid@example.org", preferred_language="nl")

    with SmtpSink() as smtp_server:
        use_smtp(settings, smtp_server)
        with django_capture_on_commit_callbacks(execute=True):
            member_erase(member=member)
        mails = smtp_server.wait_for(1)

    assert len(mails) == 1
    assert mails[0].rcpt_tos == ["afscheid@example.org"]
    assert mails[0].subject == "Uw bibliotheekaccount is verwijderd"
    assert "Zoals u vroeg, hebben we uw account op" in mails[0].body
    notice = Notice.objects.get(message_type=MessageType.ACCOUNT_ERASED)
    assert notice.status == NoticeStatus.SENT
    assert notice.member_id is None
    assert member.last_name not in notice.body
    assert member.card_number not in notice.body


def test_no_goodbye_email_without_an_address() -> None:
    member = make_member(email="")

    member_erase(member=member)

    assert Notice.objects.count() == 0


# --- requests ---------------------------------------------------------------------------------


def test_a_request_without_blockers_erases_at_once() -> None:
    member = make_member()

    request = erasure_request(member=member)

    assert request.status == ErasureStatus.DONE
    assert request.done_at is not None
    member.refresh_from_db()
    assert member.status == MemberStatus.ERASED


def test_a_blocked_request_waits_and_the_daily_job_settles_it() -> None:
    member = make_member()
    loan = make_loan(member)

    request = erasure_request(member=member)
    assert request.status == ErasureStatus.WAITING
    assert erasure_request(member=member).pk == request.pk
    assert erasure_requests_settle() == 0
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE

    Loan.objects.filter(pk=loan.pk).update(status=LoanStatus.RETURNED, returned_at=timezone.now())
    assert erasure_requests_settle() == 1

    request.refresh_from_db()
    member.refresh_from_db()
    assert request.status == ErasureStatus.DONE
    assert member.status == MemberStatus.ERASED
    assert erasure_requests_settle() == 0


def test_a_waiting_request_can_be_cancelled() -> None:
    member = make_member()
    make_loan(member)
    erasure_request(member=member)

    cancelled = erasure_request_cancel(member=member)

    assert cancelled.status == ErasureStatus.CANCELLED
    with pytest.raises(PrivacyError) as refused:
        erasure_request_cancel(member=member)
    assert refused.value.code == PrivacyErrorCode.ERASURE_NOT_WAITING
    assert ErasureRequest.objects.filter(status=ErasureStatus.WAITING).count() == 0


# --- review: what must stay, and login attempts -----------------------------------------------


def test_an_approved_request_under_a_running_order_blocks_and_stays() -> None:
    member, officer = make_member(), make_staff()
    legal = LegalRequest.objects.create(
        authority="Politie Utrecht",
        reference="PU-2",
        legal_basis="art. 126nd Sv",
        member=member,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 2, 1),
        non_disclosure_until=timezone.localdate() + dt.timedelta(days=30),
        registered_by=make_staff(),
        registered_at=timezone.now(),
        status=LegalRequestStatus.APPROVED,
        decided_by=officer,
        decided_at=timezone.now(),
    )

    assert [b.code for b in erasure_blockers(member)] == ["pending_request"]
    with pytest.raises(PrivacyError) as refused:
        member_erase(member=member)
    assert refused.value.code == PrivacyErrorCode.ERASURE_BLOCKED
    assert LegalRequest.objects.filter(pk=legal.pk).exists()
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE

    # once the order has ended, nothing stands in the way any more
    LegalRequest.objects.filter(pk=legal.pk).update(
        non_disclosure_until=timezone.localdate() - dt.timedelta(days=1)
    )
    assert erasure_blockers(member) == []


def test_login_attempts_with_the_card_number_or_email_go() -> None:
    from axes.models import AccessAttempt, AccessLog

    member, other = make_member(), make_member()
    member.email = "Eva@example.org"
    member.save(update_fields=["email"])
    common = {"ip_address": "192.0.2.7", "user_agent": "Firefox", "http_accept": "*/*"}
    AccessAttempt.objects.create(
        username=member.card_number, get_data="", post_data="", failures_since_start=1, **common
    )
    AccessLog.objects.create(username="eva@example.org", **common)
    AccessLog.objects.create(username=other.card_number, **common)

    member_erase(member=member)

    assert AccessAttempt.objects.count() == 0
    assert list(AccessLog.objects.values_list("username", flat=True)) == [other.card_number]
