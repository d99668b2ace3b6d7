"""A kiosk PIN typed in MijnBibliotheek or at the desk is stored nowhere in clear: not in any
column of any table (sessions decoded), not in a message, not in a log line."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse

from kaft.members.models import Member
from tests.factories import PASSWORD, BranchFactory, MemberFactory, StaffFactory
from tests.factories_copies import clear_copies

pytestmark = pytest.mark.django_db

# Each typed once, set or refused; none may be found anywhere afterwards.
SET_BY_MEMBER = "846213"
SET_AT_DESK = "590274"
REFUSED_AT_DESK = ("731942", "731943")  # typed differently twice
REFUSED_BY_MEMBER = "624081"  # with a wrong password


def test_no_typed_pin_is_kept_in_clear(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    branch = BranchFactory.create(code="centrale")
    member = MemberFactory.create(home_branch=branch)
    other = MemberFactory.create(home_branch=branch)
    assert member.user is not None
    portal = Client()
    portal.force_login(member.user, backend="kaft.members.auth.MemberCardOrEmailBackend")
    desk = Client()
    desk.force_login(StaffFactory.create(profile__branch=branch))
    pin_url = "/mijn/beveiliging/pincode/"

    # when: the member sets one and mistypes the password for another; the desk sets one for
    # the other member and refuses two that differ
    portal.post(pin_url, {"pin": REFUSED_BY_MEMBER, "pin_again": REFUSED_BY_MEMBER})
    portal.post(
        pin_url,
        {"pin": REFUSED_BY_MEMBER, "pin_again": REFUSED_BY_MEMBER, "current_password": "fout"},
    )
    done = portal.post(
        pin_url,
        {"pin": SET_BY_MEMBER, "pin_again": SET_BY_MEMBER, "current_password": PASSWORD},
        follow=True,
    )
    url = reverse("desk:member_kiosk_pin", args=[other.pk])
    desk.post(url, {"pin": REFUSED_AT_DESK[0], "pin_again": REFUSED_AT_DESK[1]})
    shown = desk.post(url, {"pin": SET_AT_DESK, "pin_again": SET_AT_DESK}, follow=True)

    # then both are set, and no typed PIN is anywhere
    assert Member.objects.exclude(kiosk_pin="").count() == 2
    typed = [SET_BY_MEMBER, SET_AT_DESK, *REFUSED_AT_DESK, REFUSED_BY_MEMBER]
    assert clear_copies(typed) == []
    for page in (done, shown):
        assert not any(pin in page.content.decode() for pin in typed)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert not any(pin in logged for pin in typed)
