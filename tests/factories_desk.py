"""Helpers for desk tests: items with a known barcode and title, the access log as tuples."""

from __future__ import annotations

from typing import Any, cast

from kaft.catalog.models import Branch, Item
from kaft.members.models import Member
from kaft.privacy.models import AccessLogEntry
from tests.factories import ItemFactory


def make_item(branch: Branch, barcode: str, title: str, **kwargs: Any) -> Item:
    return cast(
        Item,
        ItemFactory(barcode=barcode, home_branch=branch, record__title=title, **kwargs),
    )


def log_parts(member: Member) -> list[tuple[str, int | None, int | None]]:
    """The access-log entries of ``member`` as (part, staff id, branch id), in writing order."""
    return list(
        AccessLogEntry.objects.filter(member=member)
        .order_by("pk")
        .values_list("part", "staff_id", "branch_id")
    )


JSON = {"Accept": "application/json"}


def staff_login(client: Any, user: Any) -> Any:
    """Log ``user`` (staff) in on ``client``, second factor included for the roles that need one.

    Privacy officers and administrators must pass TOTP at the desk (KAFT_OTP_ROLES); tests that
    are not about the second factor log in through here: a confirmed TOTP device is made and the
    session marked as verified with it, exactly as django-otp's own login does.
    """
    from django.conf import settings
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    profile = getattr(user, "staff_profile", None)
    if profile is not None and profile.role in settings.KAFT_OTP_ROLES:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
