"""The demo library's organisation: branches, member categories, lending rules and staff."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.password_validation import validate_password
from django.utils import timezone

from kaft.catalog.models import Branch, ClosedDay, ItemType
from kaft.circulation.models import LoanRule
from kaft.members.models import MemberCategory, StaffProfile, StaffRole, User

SUNDAY = 6


@dataclass(frozen=True)
class DemoBranch:
    code: str
    name: str
    isil: str
    street: str
    postcode: str


BRANCHES = (
    DemoBranch("centrale", "Centrale Bibliotheek", "NL-KaftC", "Marktplein 1", "3791 AA"),
    DemoBranch("noord", "Vestiging Noord", "NL-KaftN", "Molenweg 42", "3795 KL"),
    DemoBranch("zuid", "Vestiging Zuid", "NL-KaftZ", "Havenkade 7", "3797 RT"),
)


@dataclass(frozen=True)
class DemoStaff:
    username: str
    password: str
    role: str
    display_name: str


DESK_STAFF = DemoStaff("balie", "balie-demo-2026", StaffRole.DESK, "Baliemedewerker")
PRIVACY_OFFICER = DemoStaff(
    "privacy", "privacy-demo-2026", StaffRole.PRIVACY_OFFICER, "Functionaris gegevensbescherming"
)
# Finance: the cash report, payments and waivers; no lending, member search or privacy screens.
FINANCE_STAFF = DemoStaff("financien", "financien-demo-2026", StaffRole.FINANCE, "Financiën")
# A request from police or justice is decided by another officer than the one who registered it
# (four eyes): with two officers the demo lets anyone try that.
SECOND_PRIVACY_OFFICER = DemoStaff(
    "privacy2",
    "privacy2-demo-2026",
    StaffRole.PRIVACY_OFFICER,
    "Plaatsvervangend functionaris gegevensbescherming",
)


def kings_day(today: dt.date) -> dt.date:
    """The next Koningsdag (27 April; 26 April when the 27th is a Sunday)."""
    for year in (today.year, today.year + 1):
        day = dt.date(year, 4, 27)
        if day.weekday() == SUNDAY:
            day = dt.date(year, 4, 26)
        if day >= today:
            return day
    raise AssertionError("unreachable")


def branches_ensure() -> list[Branch]:
    """Three branches, closed on Sundays and on the next Koningsdag."""
    from kaft.demo.words import TOWN

    holiday = kings_day(timezone.localdate())
    result = []
    for demo in BRANCHES:
        branch, _created = Branch.objects.get_or_create(
            code=demo.code,
            defaults={
                "name": demo.name,
                "isil": demo.isil,
                "street": demo.street,
                "postcode": demo.postcode,
                "city": TOWN,
                "closed_weekdays": [SUNDAY],
            },
        )
        ClosedDay.objects.get_or_create(
            branch=branch, date=holiday, defaults={"reason": "Koningsdag"}
        )
        result.append(branch)
    return result


def categories_ensure() -> tuple[MemberCategory, MemberCategory]:
    """Adults pay a yearly fee; members under 18 are free."""
    adult, _ = MemberCategory.objects.get_or_create(
        code="volwassen",
        defaults={
            "name": "Volwassenen",
            "name_en": "Adults",
            "annual_fee": Decimal("54.00"),
            "max_age": None,
        },
    )
    youth, _ = MemberCategory.objects.get_or_create(
        code="jeugd",
        defaults={
            "name": "Jeugd (tot 18 jaar)",
            "name_en": "Youth (under 18)",
            "annual_fee": Decimal("0.00"),
            "max_age": 18,
            "charges_no_fines": True,  # like many Dutch libraries: no late fees for children
        },
    )
    return adult, youth


def loan_rules_ensure(*, youth: MemberCategory) -> None:
    """A default rule for everything, youth books longer, audiovisual and magazines shorter.
    Late fees: € 0.15 a day after two days' grace, at most € 5.00 a copy; audiovisual € 0.50,
    at most € 10.00 (the youth category pays none)."""
    fines = {"fine_per_day": Decimal("0.15"), "fine_grace_days": 2, "fine_cap": Decimal("5.00")}
    rules = (
        (
            None,
            "",
            {"loan_days": 21, "renewals_allowed": 2, "max_loans": 20, "max_holds": 10, **fines},
        ),
        (youth, ItemType.YOUTH_BOOK, {"loan_days": 28, "renewals_allowed": 3}),
        (
            None,
            ItemType.AUDIOVISUAL,
            {
                "loan_days": 7,
                "renewals_allowed": 1,
                "fine_per_day": Decimal("0.50"),
                "fine_grace_days": 2,
                "fine_cap": Decimal("10.00"),
            },
        ),
        (None, ItemType.MAGAZINE, {"loan_days": 14, "renewals_allowed": 1, **fines}),
        (None, ItemType.GAME, {"loan_days": 14, "renewals_allowed": 1, **fines}),
    )
    for category, item_type, values in rules:
        LoanRule.objects.get_or_create(
            branch=None, category=category, item_type=item_type, defaults=values
        )


def staff_ensure(demo: DemoStaff, branch: Branch) -> User:
    user = User.objects.filter(username=demo.username).first()
    if user is None:
        user = User(username=demo.username, is_staff=True)
        validate_password(demo.password, user=user)
        user.set_password(demo.password)
        user.save()
    StaffProfile.objects.get_or_create(
        user=user,
        defaults={"role": demo.role, "branch": branch, "display_name": demo.display_name},
    )
    return user
