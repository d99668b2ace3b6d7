"""Accessibility: axe-core (``axe_playwright_python``, default rules) finds no violation on the
main pages of the catalogue, MijnBibliotheek, the desk and the privacy pages, on a phone
(375 px) and a desktop (1280 px), in Dutch and in English."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from kaft.billing.models import ChargeKind, PaymentMethod
from kaft.billing.services.charges import charge_create
from kaft.billing.services.payments import payment_take
from kaft.catalog.models import ItemStatus, Record
from kaft.catalog.search import search_index_records
from kaft.members.models import StaffRole
from kaft.privacy.models import AccessLogEntry, AccessPurpose, DataPart
from tests.factories import (
    PASSWORD,
    BranchFactory,
    ItemFactory,
    LoanRuleFactory,
    MemberFactory,
    StaffFactory,
)
from tests.factories_portal import HoldFactory, LoanFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 375, "height": 800}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture
def library() -> dict[str, Any]:
    LoanRuleFactory.create(loan_days=21, renewals_allowed=2)
    centre = BranchFactory.create(code="centrum", name="Centrale Bibliotheek")
    member = MemberFactory.create(card_number="21000000000042", home_branch=centre)
    StaffFactory.create(
        username="fg1", profile__branch=centre, profile__role=StaffRole.ADMINISTRATOR
    )
    LoanFactory.create(member=member, item__record__title="Het gouden ei")
    LoanFactory.create(member=member, item__record__title="Tirza", renewals=2)
    hold = HoldFactory.create(member=member, pickup_branch=centre, record__title="Turks fruit")
    wanted = Record.objects.create(title="De ontdekking van de hemel", contributors="Mulisch")
    ItemFactory.create(record=wanted, home_branch=centre, status=ItemStatus.AVAILABLE)
    search_index_records([wanted.pk])
    now = timezone.now()
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            member=member,
            branch=centre,
            staff_name="Anna",
            staff_role=StaffRole.DESK,
            part=part,
            purpose=AccessPurpose.DESK,
            at=now - dt.timedelta(minutes=minutes),
        )
        for minutes in (2, 5, 9)
        for part in (DataPart.IDENTITY, DataPart.LOANS)
    )
    # money: € 5.00 damage on "Het gouden ei", € 2.00 of it paid in cash (a receipt to show)
    damaged = ItemFactory.create(
        record=Record.objects.get(title="Het gouden ei"), home_branch=centre
    )
    charge_create(member=member, kind=ChargeKind.DAMAGE, amount=Decimal("5.00"), item=damaged)
    payment = payment_take(
        member=member, amount=Decimal("2.00"), method=PaymentMethod.CASH, branch=centre
    )
    from kaft.sip2.accounts import kiosk_account_add

    kiosk = kiosk_account_add(login="kiosk-centrum", password="kiosk-centrum-2026", branch=centre)
    # a member's app asking for access (the consent page of the API)
    from kaft.api.clients import api_client_add

    app = api_client_add(
        name="Bieb-app", scopes=["me"], redirect_uris=["https://app.example.org/terug"], public=True
    )
    consent = (
        f"/oauth/authorize/?response_type=code&client_id={app.client_id}"
        "&redirect_uri=https%3A%2F%2Fapp.example.org%2Fterug&scope=me&state=s"
        "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
    )
    return {
        "member": member,
        "hold": hold,
        "record": wanted,
        "payment": payment,
        "consent": consent,
        "kiosk": kiosk,
    }


@pytest.fixture
def contexts(browser: Any, live_server: Any) -> Iterator[Any]:
    made: list[Any] = []

    def make(language: str, size: str) -> Any:
        context = browser.new_context(locale="nl-NL", viewport=SIZES[size])
        host = live_server.url.split("://")[1].split(":")[0]
        context.add_cookies(
            [
                {
                    "name": django_settings.LANGUAGE_COOKIE_NAME,
                    "value": language,
                    "domain": host,
                    "path": "/",
                }
            ]
        )
        made.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in made:
        context.close()


def _violations(page: Any, url: str) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(url)
    results = Axe().run(page)
    found = results.response["violations"]
    return [
        f"{url}: {v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in found
    ]


def _log_in_member(page: Any, base: str, card: str) -> None:
    page.goto(f"{base}/inloggen/")
    page.locator("#id_username").fill(card)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base}/mijn/")


def _log_in_staff(page: Any, base: str) -> None:
    page.goto(f"{base}/desk/login/")
    page.locator("#id_username").fill("fg1")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base}/desk/")


@pytest.mark.parametrize("size", ["phone", "desktop"])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_main_pages_have_no_accessibility_violations(
    contexts: Any,
    live_server: Any,
    library: dict[str, Any],
    language: str,
    size: str,
    settings: Any,
) -> None:
    settings.KAFT_OTP_ROLES = []  # the second factor has tests of its own; here the pages count
    base = live_server.url
    member, hold, record = library["member"], library["hold"], library["record"]
    payment = library["payment"]
    public = [
        "/",
        "/zoeken/?q=ontdekking",
        f"/titel/{record.pk}/",
        "/inloggen/",
        "/wachtwoord/vergeten/",
        "/lid-worden/",
        "/privacy/",
        "/privacy/partners/",
        "/bewaartermijnen/",
        "/cookies/",
    ]
    mijn = [
        "/mijn/",
        "/mijn/reserveringen/",
        f"/mijn/reserveringen/{hold.pk}/annuleren/",
        "/mijn/gegevens/",
        "/mijn/gegevens/wijzigen/",
        "/mijn/gegevens/correctie/",
        "/mijn/gegevens/geschiedenis/",
        "/mijn/gegevens/downloaden/",
        "/mijn/toestemmingen/",
        "/mijn/inzage/",
        "/mijn/verstrekkingen/",
        "/mijn/beveiliging/",
        "/mijn/betalingen/",
        f"/mijn/betalingen/{payment.pk}/bon/",
        library["consent"],
    ]
    desk = [
        "/desk/",
        "/desk/checkin/",
        "/desk/members/",
        "/desk/members/?signups=1",
        f"/desk/members/{member.pk}/",
        f"/desk/members/{member.pk}/consents/",
        "/desk/members/new/",
        f"/desk/items/?q={record.title.split()[0]}",
        "/desk/privacy/",
        "/desk/privacy/retention/",
        "/desk/payments/",
        f"/desk/members/{member.pk}/payments/",
        f"/desk/payments/{payment.pk}/receipt/",
        "/desk/cash/",
        "/desk/kiosks/",
        "/desk/kiosks/new/",
        f"/desk/kiosks/{library['kiosk'].pk}/",
        f"/desk/members/{member.pk}/kiosk-pin/",
    ]
    found: list[str] = []

    visitor = contexts(language, size)
    for path in public:
        found += _violations(visitor, base + path)
    _log_in_member(visitor, base, member.card_number)
    for path in mijn:
        found += _violations(visitor, base + path)
    staff = contexts(language, size)
    staff.goto(f"{base}/desk/login/")
    found += _violations(staff, f"{base}/desk/login/")
    _log_in_staff(staff, base)
    for path in desk:
        found += _violations(staff, base + path)

    assert len(public) + len(mijn) + 1 + len(desk) >= 21
    assert found == []
