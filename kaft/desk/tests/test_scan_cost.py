"""What one checkout scan costs the database (the desk's hot path), and what the desk says when
a scan was done but its answer could not be drawn.

Counted with real transactions (``transaction=True``), as a desk's request runs: every statement
the database receives, and the commits among them (Django logs BEGIN and COMMIT with the
statements, on SQLite and PostgreSQL both).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kaft.catalog.models import Branch
from kaft.circulation.models import Loan, LoanStatus
from kaft.members.models import Member
from kaft.privacy.models import AccessLogEntry
from tests.factories_desk import JSON, make_item


def _statements(queries: CaptureQueriesContext) -> tuple[int, int]:
    """(statements other than COMMIT, commits) of ``queries``."""
    sqls = [query["sql"].strip().upper() for query in queries.captured_queries]
    commits = sum(1 for sql in sqls if sql == "COMMIT")
    return len(sqls) - commits, commits


def _serve(desk: Client, member: Member, central: Branch) -> None:
    """Sanne served, one copy already lent in this session (the panel has a loan)."""
    make_item(central, "30000000000009", "Eerder")
    desk.post("/desk/scan/", {"value": member.card_number, "member": ""}, headers=JSON)
    desk.post("/desk/scan/", {"value": "30000000000009", "member": str(member.pk)}, headers=JSON)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("script", [True, False], ids=["scan-script", "no-script"])
def test_a_checkout_scan_is_one_commit_and_few_statements(
    desk: Client, central: Branch, member: Member, script: bool
) -> None:
    # Given Sanne being served at the desk and a copy on the shelf
    _serve(desk, member, central)
    make_item(central, "30000000000001", "De avonden")
    headers: dict[str, Any] = JSON if script else {}

    # When the copy is scanned
    with CaptureQueriesContext(connection) as queries:
        response = desk.post(
            "/desk/scan/", {"value": "30000000000001", "member": str(member.pk)}, headers=headers
        )

    # Then it is lent, and the loan, the access log and the session commit at once
    assert response.status_code == (200 if script else 302)
    assert Loan.objects.filter(item__barcode="30000000000001", member=member).count() == 1
    statements, commits = _statements(queries)
    assert commits == 1, [query["sql"] for query in queries.captured_queries]
    # session, user with staff profile; BEGIN; the loan (lock the member, asking in the same
    # statement whether the scan is a card; lock the copy with its record; the facts; insert
    # loan, insert event, update copy), without a savepoint; with the script the look at the
    # new loan (access log). The session is not written: the row is read from the loan when
    # the page is drawn again. It was 22 and 3 commits, then 16, then 12.
    expected = 10 if script else 9
    assert statements == expected, "\n".join(q["sql"][:70] for q in queries.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_a_scan_done_but_not_drawn_says_it_was_processed(
    desk: Client, central: Branch, member: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given Sanne being served, and drawing the answer breaks after the loan is committed
    _serve(desk, member, central)
    make_item(central, "30000000000001", "De avonden")
    looks = AccessLogEntry.objects.count()

    def broken(*args: object, **kwargs: object) -> dict[str, str]:
        raise RuntimeError("template broke")

    monkeypatch.setattr("kaft.desk.views.checkout.fragment", broken)

    # When the copy is scanned
    response = desk.post(
        "/desk/scan/", {"value": "30000000000001", "member": str(member.pk)}, headers=JSON
    )

    # Then the answer says it was processed (never "not processed"), and the loan stands
    assert response.status_code == 200
    answer = response.json()
    assert answer == {
        "processed": "30000000000001 is verwerkt, maar het scherm kon het resultaat niet "
        "tonen: laad de pagina opnieuw (F5) om het te zien.",
        "announce": "30000000000001 is verwerkt, maar het scherm kon het resultaat niet "
        "tonen: laad de pagina opnieuw (F5) om het te zien.",
    }
    assert "niet verwerkt" not in response.content.decode().lower()
    loan = Loan.objects.get(item__barcode="30000000000001")
    assert (loan.member_id, loan.status) == (member.pk, LoanStatus.OPEN)
    # the page shown again has the row (read from the loan)
    page = desk.get("/desk/").content.decode()
    assert "De avonden" in page and "30000000000001" in page
    assert AccessLogEntry.objects.count() > looks
