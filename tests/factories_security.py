"""Helpers for the security tests: staff with a role, TOTP codes, a member with a home address."""

from __future__ import annotations

from typing import Any, cast

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaft.catalog.models import Branch
from kaft.members.models import Address, AddressKind, Member, StaffRole, User
from tests.factories import BranchFactory, MemberFactory, StaffFactory


def staff_with_role(role: str = StaffRole.PRIVACY_OFFICER, **kwargs: Any) -> User:
    branch = cast(Branch, kwargs.pop("branch", None) or BranchFactory(code="centrum"))
    return cast(User, StaffFactory(profile__role=role, profile__branch=branch, **kwargs))


def totp_code(device: TOTPDevice) -> str:
    """The code the staff member's app shows now, computed from the device's key."""
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{value:0{device.digits}d}"


def member_at_home(
    *, postcode: str = "1234 AB", house_number: str = "12a", **kwargs: Any
) -> Member:
    member = cast(Member, MemberFactory(**kwargs))
    Address.objects.create(
        member=member,
        kind=AddressKind.HOME,
        street="Kerkstraat",
        house_number=house_number,
        postcode=postcode,
        city="Utrecht",
    )
    return member
