"""The member's copy of their data, checked against the register of personal data."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from kaft.members.models import Language, Member, MemberAction, MemberEvent
from kaft.privacy.registry import REGISTRY
from kaft.privacy.services.export import member_export_data, member_export_zip
from tests.factories_export import make_member_with_every_column
from tests.factories_rights import make_full_member, make_loan, make_member

pytestmark = pytest.mark.django_db

EXPORTED = [entry for entry in REGISTRY if entry.export]


def test_every_category_of_every_exported_table_has_the_members_rows() -> None:
    full = make_member_with_every_column()

    data = member_export_data(full.member)

    missing = [
        (entry.model, str(category))
        for entry in EXPORTED
        for category in entry.categories
        if not data["categories"][str(category)]["tables"].get(entry.model)
    ]
    assert missing == []


def test_the_rows_show_readable_values() -> None:
    full = make_full_member()

    categories = member_export_data(full.member)["categories"]

    identity = categories["identity"]["tables"]["members.Member"]
    assert identity == [
        {
            "first_name": "Sanne",
            "name_prefix": "",
            "last_name": "Bakker",
            "date_of_birth": "1985-04-12",
        }
    ]
    membership = categories["membership"]["tables"]["members.Member"][0]
    assert membership["home_branch"] == "Centrale Bibliotheek"
    assert membership["category"] == "Volwassene"
    assert membership["card_number"] == "21000000000777"
    loans = categories["loans"]["tables"]["circulation.Loan"]
    assert [loan["record"] for loan in loans] == ["De avonden"]
    history = categories["loan_history"]["tables"]["circulation.Loan"]
    assert [loan["record"] for loan in history] == ["Max Havelaar"]
    # the other member only by first name
    family = categories["family"]["tables"]["members.FamilyAccess"][0]
    assert family["owner"] == "Sanne Bakker"
    assert family["grantee"] == "Joris"
    assert categories["consents"]["tables"]["privacy.ConsentEvent"][0]["guardian"] == "Joris"
    notes = categories["notes"]["tables"]["members.MemberNote"]
    assert notes[0]["text"] == "Pas vervangen"
    assert "expires_on" in notes[0]
    messages = categories["messages"]["tables"]["notices.Notice"][0]
    assert messages["subject"] == "Uw reservering ligt klaar"
    assert messages["sent_at"] is not None


def test_a_disclosure_under_a_non_disclosure_order_is_not_shown_yet() -> None:
    full = make_full_member()

    rows = member_export_data(full.member)["categories"]["disclosures"]["tables"][
        "privacy.Disclosure"
    ]

    assert [row["recipient"] for row in rows] == ["E-boekenpartner"]


def test_looks_made_for_a_police_request_stay_out_while_its_order_runs() -> None:
    """As online: the access log must not give away a request under a non-disclosure order."""
    import datetime as dt

    from kaft.privacy.models import AccessLogEntry, AccessPurpose, DataPart
    from tests.factories_transparency import legal_request, officer

    member = make_member()
    registrar = officer(username="registrar")
    today = timezone.localdate()
    for purpose in (AccessPurpose.DESK, AccessPurpose.LEGAL_REQUEST):
        AccessLogEntry.objects.create(
            member=member, staff=registrar, part=DataPart.LOANS, purpose=purpose, at=timezone.now()
        )
    order = legal_request(member, registrar, non_disclosure_until=today + dt.timedelta(days=30))

    def purposes() -> list[str]:
        rows = member_export_data(member)["categories"]["access_log"]["tables"][
            "privacy.AccessLogEntry"
        ]
        return sorted(row["purpose"] for row in rows)

    assert len(purposes()) == 1
    order.non_disclosure_until = today
    order.save()
    assert len(purposes()) == 2


def test_no_password_hash_and_no_unexported_table() -> None:
    full = make_full_member()

    data = member_export_data(full.member)
    text = json.dumps(data)

    assert "password" not in data["categories"]["account"]["tables"]["members.User"][0]
    assert "members.ResetCode" not in text
    assert "privacy.LegalRequest" not in text


def test_the_export_never_holds_another_members_data() -> None:
    full = make_full_member()
    bystander = make_member(first_name="Pieter", last_name="Onbekend", email="pieter@example.org")

    text = json.dumps(member_export_data(full.member), ensure_ascii=False)

    for other in (full.other, bystander):
        for personal in (other.last_name, other.card_number, other.email):
            assert personal not in text
    assert "Pieter" not in text


def test_the_export_costs_the_same_queries_for_few_and_many_rows() -> None:
    few, many = make_member(), make_member()
    for member, count in ((few, 1), (many, 5)):
        for _ in range(count):
            make_loan(member)
            MemberEvent.objects.create(
                member=member, action=MemberAction.CONTACT_CHANGED, at=timezone.now()
            )

    counts = []
    for member in (few, many):
        with CaptureQueriesContext(connection) as queries:
            member_export_data(member)
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_a_member_without_rows_gets_every_category_empty() -> None:
    member = make_member(first_name="Lotte")

    data = member_export_data(member)

    assert data["categories"]["loans"]["tables"]["circulation.Loan"] == []
    assert data["categories"]["identity"]["tables"]["members.Member"][0]["first_name"] == "Lotte"


def test_the_about_block_explains_categories_and_retention_in_both_languages() -> None:
    full = make_full_member()

    about = member_export_data(full.member)["about"]

    assert about["library"] == "Bibliotheek Kaft"
    assert about["categories"]["identity"] == {
        "nl": "Naam en geboortedatum",
        "en": "Name and date of birth",
    }
    loan_table = about["tables"]["circulation.Loan"]
    assert loan_table["retention"]["rule"] == "loan_history"
    assert loan_table["retention"]["days"] == 30
    assert set(loan_table["retention"]["explanation"]) == {"nl", "en"}
    assert about["tables"]["members.Address"]["retention"]["days"] is None


def _unzip(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_the_zip_holds_data_readme_and_a_self_contained_page() -> None:
    full = make_full_member()

    files = _unzip(member_export_zip(full.member))

    assert sorted(files) == ["README.txt", "data.json", "index.html"]
    data = json.loads(files["data.json"])
    assert data["categories"]["identity"]["tables"]["members.Member"][0]["last_name"] == "Bakker"
    assert "NEDERLANDS" in files["README.txt"] and "ENGLISH" in files["README.txt"]
    page = files["index.html"]
    assert "Bakker" in page and "De avonden" in page
    assert "<style>" in page
    for external in ("http://", "https://", "<script", "<link"):
        assert external not in page


@pytest.mark.parametrize(
    ("language", "heading"),
    [(Language.DUTCH, "Naam en geboortedatum"), (Language.ENGLISH, "Name and date of birth")],
)
def test_the_page_is_in_the_members_language(language: str, heading: str) -> None:
    member: Member = make_member(preferred_language=language)

    with translation.override("nl"):
        page = _unzip(member_export_zip(member))["index.html"]

    assert heading in page
    assert f'<html lang="{language}">' in page


def test_the_staff_name_of_a_look_only_where_the_library_shows_it(settings: Any) -> None:
    """As online: with KAFT_ACCESS_LOG_SHOWS = "role" the export names no staff member."""
    from kaft.privacy.models import AccessLogEntry, DataPart
    from tests.factories_transparency import officer

    member = make_member()
    AccessLogEntry.objects.create(
        member=member,
        staff=officer(username="kijker"),
        staff_role="desk",
        staff_name="Joke Balie",
        part=DataPart.LOANS,
        at=timezone.now(),
    )

    def names() -> list[object]:
        rows = member_export_data(member)["categories"]["access_log"]["tables"][
            "privacy.AccessLogEntry"
        ]
        return [row["staff_name"] for row in rows]

    assert names() == ["Joke Balie"]
    settings.KAFT_ACCESS_LOG_SHOWS = "role"
    assert names() == [""]


def _iso(moment: object) -> str:
    import datetime as dt

    assert isinstance(moment, dt.datetime)
    return timezone.localtime(moment).isoformat(timespec="seconds")


def test_loan_and_reservation_events_and_every_column_the_audit_missed() -> None:
    """Renewals and returns (branch, channel), address kind, the branch of a look, a loan's
    renewals and return branch, a reservation's dates, the dates of family access."""
    from kaft.circulation.models import Hold, Loan
    from kaft.members.models import FamilyAccess

    full = make_member_with_every_column()
    hold = Hold.objects.get(pk=full.hold.pk)
    access = FamilyAccess.objects.get(owner=full.member)

    with translation.override("en"):
        categories = member_export_data(full.member)["categories"]

    def rows(category: str, model: str) -> list[dict[str, Any]]:
        return categories[category]["tables"][model]

    assert [
        (e["title"], e["action"], e["branch"], e["via"])
        for e in rows("loan_history", "circulation.LoanEvent")
    ] == [
        ("Max Havelaar", "Renewed", None, "in MijnBibliotheek"),
        ("Max Havelaar", "Returned", "Bibliotheek Noord", "at the desk"),
    ]
    assert [
        (e["title"], e["action"], e["via"]) for e in rows("loans", "circulation.LoanEvent")
    ] == [("De avonden", "Checked out", "at the desk")]
    returned = rows("loan_history", "circulation.Loan")[0]
    assert (returned["renewals"], returned["return_branch"]) == (2, "Bibliotheek Noord")
    assert returned["returned_at"] == _iso(Loan.objects.get(pk=full.returned_loan.pk).returned_at)
    reservation = rows("holds", "circulation.Hold")[0]
    assert reservation["pickup_deadline"] == hold.pickup_deadline.isoformat()  # type: ignore[union-attr]
    assert reservation["ready_at"] == _iso(hold.ready_at)
    assert reservation["closed_at"] == _iso(hold.closed_at)
    assert reservation["item"] == hold.item.barcode  # type: ignore[union-attr]
    assert [(e["title"], e["action"]) for e in rows("holds", "circulation.HoldEvent")] == [
        (hold.record.title, "Copy set aside")
    ]
    transfer = rows("holds", "circulation.Transfer")[0]
    assert (transfer["from_branch"], transfer["to_branch"]) == (
        "Bibliotheek Noord",
        "Centrale Bibliotheek",
    )
    assert rows("contact", "members.Address")[0]["kind"] == "Home address"
    assert rows("access_log", "privacy.AccessLogEntry")[0]["branch"] == "Centrale Bibliotheek"
    family = rows("family", "members.FamilyAccess")[0]
    assert (family["answer_by"], family["decided_at"], family["ended_at"]) == (
        _iso(access.answer_by),
        _iso(access.decided_at),
        _iso(access.ended_at),
    )
    attempt = rows("messages", "notices.DeliveryAttempt")[0]
    assert attempt["subject"] == "Uw reservering ligt klaar"
    assert attempt["error"] == "550 mailbox of sanne.bakker@example.org is full"
