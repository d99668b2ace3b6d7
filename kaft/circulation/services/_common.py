"""Helpers the circulation services share. Not part of the public interface."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.db import transaction
from django.utils import timezone

from kaft.circulation.errors import CirculationError, CirculationErrorCode
from kaft.circulation.models import AgeBand
from kaft.circulation.selectors.loans import member_borrow_refusal, member_status_refusal
from kaft.members.models import Member


class Via(StrEnum):
    DESK = "desk"
    PORTAL = "portal"
    KIOSK = "kiosk"  # a self-service kiosk, through the SIP2 door
    API = "api"  # an app or partner system, through the REST API
    SYSTEM = "system"


def clock(now: dt.datetime | None) -> tuple[dt.datetime, dt.date]:
    """The moment of the action and the local date it falls on."""
    moment = now or timezone.now()
    return moment, timezone.localdate(moment)


def check_member_may_borrow(member: Member, today: dt.date) -> None:
    """Blocked or expired members, and those money keeps from it, may not borrow, renew or
    reserve (:func:`kaft.circulation.selectors.loans.member_borrow_refusal`)."""
    refusal = member_borrow_refusal(member, today)
    if refusal is not None:
        raise refusal.error()


def check_member_status(member: Member, today: dt.date) -> None:
    """Blocked or expired (no query); checkout reads the rest of the rule from its facts.

    Lending only (checkout, and so the hand-over): someone who joined online and whose ID the
    desk has not yet seen may reserve, but not borrow (``MEMBER_ID_NOT_CHECKED``, see
    :mod:`kaft.members.services.signup`)."""
    refusal = member_status_refusal(member, today)
    if refusal is not None:
        raise refusal.error()
    if member.awaits_identity_check:
        raise CirculationError(CirculationErrorCode.MEMBER_ID_NOT_CHECKED)


def age_band(member: Member, today: dt.date) -> str:
    age = member.age_on(today)
    if age < 12:
        return AgeBand.UNDER_12
    if age < 18:
        return AgeBand.TEEN
    if age < 30:
        return AgeBand.YOUNG_ADULT
    if age < 65:
        return AgeBand.ADULT
    return AgeBand.SENIOR


def announce_hold_ready(hold_id: int) -> None:
    """After commit, ask the notices app to tell the member their reservation is ready."""

    def send() -> None:
        from kaft.notices.tasks import notice_hold_ready

        notice_hold_ready.delay(hold_id)

    transaction.on_commit(send)
