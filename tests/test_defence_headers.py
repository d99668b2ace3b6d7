"""Defence in depth: the Content-Security-Policy on every page, no inline script in any template,
and ``Cache-Control: no-store`` on every page that can hold personal data.

The pages are not listed by hand: every URL pattern of the portal and the desk is found in the
project's URL configuration and fetched (its arguments filled with real objects), so a new page
is checked the day it is added; an argument this test cannot fill fails it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest
from django.conf import settings
from django.test import Client

from kaft.catalog.models import Branch
from kaft.members.models import Member, StaffRole
from tests.factories import (
    BranchFactory,
    ItemFactory,
    LoanRuleFactory,
    MemberFactory,
    a_closed_day_id,
    a_library_partner_id,
    a_loan_rule_id,
    an_interlibrary_request_id,
    stocktake_with_scan,
)
from tests.factories_desk import staff_login
from tests.factories_portal import HoldFactory, LoanFactory
from tests.factories_security import staff_with_role
from tests.urlwalk import Route, path_routes, routes

# The directives the policy must hold, exactly.
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

ROUTES = path_routes(route for route in routes() if route.door in ("portal", "desk"))


@dataclass
class Scene:
    member: Member
    member_client: Client
    staff_client: Client
    values: dict[str, int]


@pytest.fixture
def scene(db: None) -> Scene:
    from tests.factories_contests import a_campaign_with_entry_id, an_entry_id
    from tests.factories_newsletter_issues import (
        a_newsletter_image_id,
        a_newsletter_image_name,
        a_newsletter_issue_id,
    )
    from tests.factories_newsletter_subscriptions import an_unsubscribe_code
    from tests.factories_panel import (
        a_panel_invitation_id,
        a_panel_question_id,
        a_panel_survey_id,
    )
    from tests.factories_transparency import (
        PartnerFactory,
        a_partner_sign_in_id,
        legal_request,
        officer,
    )

    LoanRuleFactory.create()
    branch = cast(Branch, BranchFactory(code="centrum"))
    member = cast(Member, MemberFactory(home_branch=branch))
    loan = LoanFactory.create(member=member)
    hold = HoldFactory.create(member=member, pickup_branch=branch)
    administrator = staff_with_role(StaffRole.ADMINISTRATOR, branch=branch)
    request = legal_request(member, officer(branch, username="fg-registrar"))
    values = {
        "member_id": member.pk,
        "loan_id": loan.pk,
        "hold_id": hold.pk,
        "record_id": hold.record_id,
        "legal_request_id": request.pk,
        "partner_id": int(PartnerFactory(name="Online Bibliotheek").pk),
        "item_id": loan.item_id,
        "barcode": loan.item.barcode,
        **_money(member),
        "run_id": 1,  # a direct-debit run (the finance role's; others are refused first)
        "kiosk_id": _kiosk(branch),
        "stocktake_id": stocktake_with_scan(branch, loan.item.barcode),
        "ill_request_id": an_interlibrary_request_id(member, branch),
        "library_partner_id": a_library_partner_id(),
        "sign_in_id": a_partner_sign_in_id(member),
        "campaign_id": a_campaign_with_entry_id(member),
        "entry_id": an_entry_id(member),
        "rule_id": a_loan_rule_id(),
        "closed_day_id": a_closed_day_id(branch),
        "category_id": member.category_id,
        "template": "hold_ready",
        "channel": "email",
        "language": "nl",
        "version": "0",
        "survey_id": a_panel_survey_id(),
        "question_id": a_panel_question_id(),
        "invitation_id": a_panel_invitation_id(member),
        "code": an_unsubscribe_code(member),
        "newsletter_issue_id": a_newsletter_issue_id(),
        "newsletter_image_id": a_newsletter_image_id(),
        "image_name": a_newsletter_image_name(),  # type: ignore[dict-item]
        "table": "loans",
    }
    member_client = Client()
    assert member.user is not None
    member_client.force_login(member.user, backend="kaft.members.auth.MemberCardOrEmailBackend")
    return Scene(member, member_client, staff_login(Client(), administrator), values)


def _kiosk(branch: Branch) -> int:
    from kaft.sip2.accounts import kiosk_account_add

    return kiosk_account_add(login="kiosk-centrum", password="kiosk-centrum-2026", branch=branch).pk


def _money(member: Member) -> dict[str, int]:
    """A charge of the member (€ 3.00) and a payment of € 1.00 on it."""
    from decimal import Decimal

    from kaft.billing.models import ChargeKind, PaymentMethod
    from kaft.billing.services.charges import charge_create
    from kaft.billing.services.payments import payment_take

    charge = charge_create(member=member, kind=ChargeKind.DAMAGE, amount=Decimal("3.00"))
    payment = payment_take(member=member, amount=Decimal("1.00"), method=PaymentMethod.CASH)
    return {"charge_id": charge.pk, "payment_id": payment.pk}


def _directives(header: str) -> dict[str, str]:
    parts = [part.strip() for part in header.split(";") if part.strip()]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in parts}


def _no_store(response: Any) -> bool:
    directives = [part.strip() for part in response.get("Cache-Control", "").split(",")]
    return "no-store" in directives


def test_the_walk_finds_both_doors_and_every_argument_is_known() -> None:
    names = {route.name for route in ROUTES}
    assert {"portal:home", "portal:loans", "portal:data_download", "desk:checkout"} <= names
    known = {"member_id", "loan_id", "hold_id", "record_id", "legal_request_id", "partner_id"}
    known |= {"item_id", "charge_id", "payment_id"}
    known |= {"item_id", "run_id", "kiosk_id", "barcode", "stocktake_id"}
    known |= {"rule_id", "closed_day_id"}
    known |= {"ill_request_id", "library_partner_id"}
    known |= {"sign_in_id"}
    known |= {"campaign_id", "entry_id"}
    known |= {"survey_id", "question_id", "invitation_id"}
    known |= {"newsletter_issue_id", "newsletter_image_id", "image_name"}
    known |= {"code"}  # a newsletter unsubscribe link
    known |= {"table"}  # a table of the staff statistics page
    known |= {"category_id", "template", "channel", "language", "version"}
    unknown = {route.name: route.arguments for route in ROUTES if set(route.arguments) - known}
    assert unknown == {}, "teach this test how to fill these arguments"


def test_the_policy_is_exactly_kafts_own_origin() -> None:
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    for directive, value in POLICY.items():
        assert directives[directive] == [value]
    everything = " ".join(" ".join(values) for values in directives.values())
    assert "unsafe-inline" not in everything
    assert "unsafe-eval" not in everything
    assert "data:" not in everything
    assert "http" not in everything


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_every_page_has_the_policy_and_personal_pages_are_not_stored(
    route: Route, scene: Scene
) -> None:
    path = route.path(scene.values)
    visitors = {
        "anonymous": Client(),
        "logged in": scene.staff_client if route.door == "desk" else scene.member_client,
    }
    for visitor, client in visitors.items():
        response = client.get(path)
        assert response.status_code < 500, (path, visitor)
        header = response.get("Content-Security-Policy", "")
        assert header, f"{path} ({visitor}, {response.status_code}) has no policy"
        directives = _directives(header)
        for directive, value in POLICY.items():
            assert directives.get(directive) == value, (path, visitor, directive)
        personal = route.door == "desk" or route.route.startswith("mijn/") or visitor == "logged in"
        if personal:
            assert _no_store(response), f"{path} ({visitor}) may be stored: {response.headers}"


def test_the_walk_reaches_the_pages_themselves(scene: Scene) -> None:
    """Not only redirects and refusals: most pages answer 200 to their visitor, with the header."""
    answered = 0
    for route in ROUTES:
        client = scene.staff_client if route.door == "desk" else scene.member_client
        response = client.get(route.path(scene.values))
        if response.status_code == 200:
            answered += 1
            assert _no_store(response), route.name
    assert answered >= 60


def test_public_pages_for_a_visitor_stay_cacheable(scene: Scene) -> None:
    for path in ("/", "/privacy/", "/bewaartermijnen/"):
        response = Client().get(path)
        assert response.status_code == 200
        assert not _no_store(response), path


def test_the_data_export_downloads_are_not_stored(scene: Scene) -> None:
    portal = scene.member_client.post("/mijn/gegevens/downloaden/")
    desk = scene.staff_client.post(f"/desk/members/{scene.member.pk}/export/", {"to": "member"})
    for download in (portal, desk):
        assert download.status_code == 200
        assert download["Content-Type"] == "application/zip"
        assert _no_store(download)
        assert "Content-Security-Policy" in download


def test_the_admin_works_under_the_policy_and_is_not_stored(db: None) -> None:
    from kaft.members.models import StaffRole

    administrator = staff_with_role(StaffRole.ADMINISTRATOR, is_superuser=True)
    client = staff_login(Client(), administrator)
    item = ItemFactory.create()
    pages = [
        "/admin/",
        "/admin/catalog/item/",
        f"/admin/catalog/item/{item.pk}/change/",
        f"/admin/catalog/record/{item.record_id}/change/",
        "/admin/members/user/",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert _directives(response["Content-Security-Policy"])["script-src"] == "'self'"
        assert _no_store(response), path
    login = Client().get("/admin/login/")
    assert login.status_code == 200 and _no_store(login)


# -- templates ---------------------------------------------------------------------------------

TEMPLATE_DIRS = [
    Path(settings.BASE_DIR) / "kaft" / "templates",
    *sorted((Path(settings.BASE_DIR) / "kaft").glob("*/templates")),
]
# The HTML page inside a member's data export: a file opened from the member's own disk, with no
# Kaft around it, so its style sheet must travel inside it. It is never served as a page.
# Documents read outside Kaft's pages, where no policy applies and no stylesheet of Kaft's can be
# fetched: the member's export (a file) and a newsletter e-mail (mail programs read only inline
# styles).
SELF_CONTAINED = {Path("privacy/export.html"), Path("outreach/newsletter_issue_mail.html")}

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
SCRIPT_URL = re.compile(r"(?:href|src|action)\s*=\s*[\"']?\s*javascript:", re.IGNORECASE)


def _templates() -> list[tuple[Path, Path, str]]:
    found = []
    for directory in TEMPLATE_DIRS:
        for file in sorted(directory.rglob("*.html")):
            found.append((directory, file.relative_to(directory), file.read_text()))
    return found


def test_the_template_scan_finds_the_templates() -> None:
    names = {str(relative) for _directory, relative, _text in _templates()}
    assert {"base.html", "desk/checkout.html", "portal/loans.html"} <= names
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert INLINE_SCRIPT.search('<script type="module">x()</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/desk/scan.js" defer></script>')
    assert HANDLER.search('<button type="button"\n onclick="window.print()">')
    assert HANDLER.search("<body onload='x()'>")
    assert not HANDLER.search('<button data-print class="one">')
    assert STYLE.search('<p style="color: red">') and STYLE.search("<style>p {}</style>")


def test_no_template_has_inline_script_handlers_or_styles() -> None:
    found = []
    for _directory, relative, text in _templates():
        for pattern in (INLINE_SCRIPT, HANDLER, SCRIPT_URL, STYLE):
            if pattern is STYLE and relative in SELF_CONTAINED:
                continue
            found += [f"{relative}: {match.group(0)[:60]}" for match in pattern.finditer(text)]
    assert found == []
