"""factory_boy factories shared by every test in Kaft."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

import factory
from factory.django import DjangoModelFactory

from kaft.catalog.models import Branch, Item, ItemType, Record
from kaft.circulation.models import LoanRule
from kaft.members.models import Member, MemberCategory, StaffProfile, StaffRole, User

PASSWORD = "correct horse battery"


class BranchFactory(DjangoModelFactory):
    class Meta:
        model = Branch
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"branch{n}")
    name = factory.Sequence(lambda n: f"Vestiging {n}")
    isil = factory.Sequence(lambda n: f"NL-Test{n:03d}")
    city = "Utrecht"


class RecordFactory(DjangoModelFactory):
    class Meta:
        model = Record

    control_number = factory.Sequence(lambda n: f"kaft-test-{n}")
    title = factory.Sequence(lambda n: f"Het boek nummer {n}")
    contributors = "Jansen, Anna"
    language = "dut"
    year = 2020


class ItemFactory(DjangoModelFactory):
    class Meta:
        model = Item

    barcode = factory.Sequence(lambda n: f"3000{n:08d}")
    record = factory.SubFactory(RecordFactory)
    home_branch = factory.SubFactory(BranchFactory)
    current_branch = factory.SelfAttribute("home_branch")
    item_type = ItemType.BOOK
    replacement_price = Decimal("19.95")


class MemberCategoryFactory(DjangoModelFactory):
    class Meta:
        model = MemberCategory
        django_get_or_create = ("code",)

    code = "adult"
    name = "Volwassene"
    annual_fee = Decimal("52.00")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805
        if create:
            obj.save()


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member

    user = factory.SubFactory(UserFactory, username=factory.Sequence(lambda n: f"member-f{n}"))
    card_number = factory.Sequence(lambda n: f"2199{n:010d}")  # apart from demo/fixture cards
    first_name = "Sanne"
    last_name = factory.Sequence(lambda n: f"de Vries{n}")
    date_of_birth = dt.date(1985, 4, 12)
    email = factory.Sequence(lambda n: f"lid{n}@example.org")
    category = factory.SubFactory(MemberCategoryFactory)
    home_branch = factory.SubFactory(BranchFactory)


class StaffFactory(UserFactory):
    username = factory.Sequence(lambda n: f"staff{n}")
    is_staff = True

    @factory.post_generation
    def profile(obj: User, create: bool, extracted: object, **kwargs: Any) -> None:  # noqa: N805
        if create:
            branch = cast(Branch, kwargs.get("branch") or BranchFactory())
            StaffProfile.objects.create(
                user=obj,
                role=kwargs.get("role", StaffRole.DESK),
                branch=branch,
                display_name=kwargs.get("display_name", "Medewerker"),
            )


class LoanRuleFactory(DjangoModelFactory):
    class Meta:
        model = LoanRule

    loan_days = 21
    renewals_allowed = 2
    max_loans = 20
    max_holds = 10
    hold_shelf_days = 7


def stocktake_with_scan(branch: Branch, barcode: str) -> int:
    """A stocktake of ``branch`` in progress, with ``barcode`` scanned: its id."""
    from kaft.catalog.services.stocktake import stocktake_scan, stocktake_start

    stocktake = stocktake_start(branch=branch, staff=None)
    stocktake_scan(stocktake=stocktake, barcode=barcode)
    return stocktake.pk


def a_loan_rule_id() -> int:
    """A lending rule (the one for any combination, made the first time it is asked for)."""
    from kaft.circulation.models import LoanRule

    rule = LoanRule.objects.order_by("pk").first() or LoanRule.objects.create()
    return rule.pk


def a_closed_day_id(branch: Branch) -> int:
    """A closed day of ``branch`` a year from now (made the first time it is asked for)."""
    import datetime as dt

    from django.utils import timezone

    from kaft.catalog.models import ClosedDay

    day, _made = ClosedDay.objects.get_or_create(
        branch=branch, date=timezone.localdate() + dt.timedelta(days=365)
    )
    return day.pk


def a_library_partner_id() -> int:
    """A partner library for interlibrary loan (made the first time it is asked for)."""
    from kaft.interlibrary.models import LibraryPartner

    partner, _made = LibraryPartner.objects.get_or_create(
        isil="NL-Partner",
        defaults={"name": "Bibliotheek Elders", "endpoint_url": "https://elders.example.org/ill"},
    )
    return partner.pk


def an_interlibrary_request_id(member: Member, branch: Branch) -> int:
    """A book lent to ``member`` by a partner library (a request of ours, lent to us): its id."""
    from django.utils import timezone

    from kaft.interlibrary.models import IllRole, IllStatus, InterlibraryRequest

    request, _made = InterlibraryRequest.objects.get_or_create(
        role=IllRole.REQUESTING,
        requesting_id=f"{branch.isil}-walk-{member.pk}",
        defaults={
            "status": IllStatus.LOANED,
            "partner_id": a_library_partner_id(),
            "branch": branch,
            "member": member,
            "title": "Geleend van elders",
            "created_at": timezone.now(),
        },
    )
    return request.pk
