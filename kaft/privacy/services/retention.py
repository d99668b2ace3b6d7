"""The retention rules applied in bulk, and the one definition of "past its rule".

Every table with a retention period has one or more :class:`Target` below. A target says which
rows have run out (a base condition plus the moments the clock started, ``clocks``), and what the
job does with them (unlink the member, delete, or erase the member). The daily job
(:func:`retention_apply`) and the proof (``kaft retention-proof``, :func:`retention_overdue`) both
walk :func:`past_rows`, so they cannot disagree.

Work is done in chunks of :data:`CHUNK_SIZE` rows with a fixed number of queries per chunk:
one to read the chunk (keyset pagination on the primary key), one for the consent check where
a member may keep their history, and one or a few for the update or delete. Erasing a member
whose membership ended is the exception: :func:`~kaft.privacy.services.erasure.member_erase`
works on one member at a time.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from kaft.members.models import Member, MemberStatus, User
from kaft.privacy.errors import PrivacyError, PrivacyErrorCode
from kaft.privacy.models import (
    ConsentPurpose,
    LegalRequest,
    LegalRequestStatus,
    RetentionRun,
    RetentionSetting,
)
from kaft.privacy.registry import RULES

CHUNK_SIZE = 500  # below SQLite's 999 parameters, so a chunk's delete stays one statement


class Action(enum.StrEnum):
    UNLINK = "unlink"  # empty the member link; the row stays for statistics
    DELETE = "delete"
    ERASE = "erase"  # erase the member through the rights service


@dataclass(frozen=True)
class Clock:
    """A moment the retention period counts from. A date counts as the whole day."""

    field: str
    optional: bool = False  # a missing value does not hold the row back


@dataclass(frozen=True)
class Moment:
    """The job's "now", and the day it falls on in the library's time zone."""

    now: dt.datetime  # in UTC: periods are counted in whole days of 24 hours, across DST too

    def __post_init__(self) -> None:
        object.__setattr__(self, "now", self.now.astimezone(dt.UTC))

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class Target:
    """Rows of ``model`` under ``rule``: past it when ``base`` holds and every clock is past."""

    key: str
    model: str
    rule: str
    action: Action
    clocks: tuple[Clock, ...]
    base: Callable[[Moment], Q] = field(default=lambda moment: Q())
    # Members with a yes for this purpose keep the rows (their history).
    keep_with_consent: ConsentPurpose | None = None
    member_field: str = "member"

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def days(self, periods: dict[str, int | None]) -> int | None:
        return periods.get(self.rule)

    def past_q(self, moment: Moment, days: int) -> Q:
        condition = self.base(moment)
        cutoff = moment.now - dt.timedelta(days=days)
        last_day = moment.today - dt.timedelta(days=days)
        for clock in self.clocks:
            if self._is_date(clock):
                past = Q(**{f"{clock.field}__lt": last_day})
            else:
                past = Q(**{f"{clock.field}__lt": cutoff})
            if clock.optional:
                past |= Q(**{f"{clock.field}__isnull": True})
            else:
                past &= Q(**{f"{clock.field}__isnull": False})
            condition &= past
        return condition

    def due(self, values: tuple[object, ...], days: int) -> dt.datetime:
        """When a row with these clock values ran out (the latest clock plus the period)."""
        moments = []
        for value in values:
            if value is None:
                continue
            if isinstance(value, dt.datetime):
                moments.append(value + dt.timedelta(days=days))
            elif isinstance(value, dt.date):
                moments.append(_start_of(value + dt.timedelta(days=days + 1)))
        return max(moments)

    def _is_date(self, clock: Clock) -> bool:
        model = self.model_class
        *path, last = clock.field.split("__")
        for step in path:
            model = model._meta.get_field(step).related_model  # type: ignore[assignment]
        found = model._meta.get_field(last)
        return isinstance(found, models.DateField) and not isinstance(found, models.DateTimeField)


@dataclass(frozen=True)
class NotesTarget(Target):
    """Staff notes: gone the day after ``expires_on``, and never older than the longest period
    (``settings.KAFT_NOTE_MAX_DAYS``) whatever their expiry says."""

    def days(self, periods: dict[str, int | None]) -> int | None:
        return int(settings.KAFT_NOTE_MAX_DAYS)

    def past_q(self, moment: Moment, days: int) -> Q:
        return Q(expires_on__lt=moment.today) | Q(
            created_at__lt=moment.now - dt.timedelta(days=days)
        )

    def due(self, values: tuple[object, ...], days: int) -> dt.datetime:
        expires_on, created_at = values
        assert isinstance(expires_on, dt.date) and isinstance(created_at, dt.datetime)
        return min(
            _start_of(expires_on + dt.timedelta(days=1)), created_at + dt.timedelta(days=days)
        )


def members_owing_ids() -> models.QuerySet[Member]:
    """HOOK for billing: members who still owe the library money. There is no billing yet, so
    nobody owes anything; the billing issue fills this in (a subquery on open charges)."""
    return Member.objects.none()


def _ended_membership_base(moment: Moment) -> Q:
    from kaft.circulation.models import Loan, LoanStatus

    open_loans = Loan.objects.filter(member=OuterRef("pk"), status=LoanStatus.OPEN)
    # As erasure's own blockers: a request from police or justice not yet decided, or one whose
    # non-disclosure order still runs, must stay, so its member is not erased yet.
    legal = LegalRequest.objects.filter(member=OuterRef("pk")).filter(
        Q(status=LegalRequestStatus.REGISTERED) | Q(non_disclosure_until__gt=moment.today)
    )
    return (
        Q(erased_at__isnull=True)
        & ~Q(status=MemberStatus.ERASED)
        & ~Exists(open_loans)
        & ~Exists(legal)
        & ~Q(pk__in=members_owing_ids().values("pk"))
    )


def _family_access_base(moment: Moment) -> Q:
    from kaft.members.models import FamilyAccessEvent, FamilyAccessStatus

    # The events keep their own (longer) period; the access goes when its events have gone.
    events = FamilyAccessEvent.objects.filter(access=OuterRef("pk"))
    return Q(
        status__in=[
            FamilyAccessStatus.DECLINED,
            FamilyAccessStatus.LAPSED,
            FamilyAccessStatus.ENDED,
        ]
    ) & Q(~Exists(events))


_UNSENT = ("pending", "sending")
_FINISHED_HOLDS = ("fulfilled", "cancelled", "expired")

# In order: rows that other rows point at go after them (attempts before their message).
TARGETS: tuple[Target, ...] = (
    Target(
        "loans",
        "circulation.Loan",
        "loan_history",
        Action.UNLINK,
        (Clock("returned_at"),),
        base=lambda m: Q(status="returned", member__isnull=False),
        keep_with_consent=ConsentPurpose.LOAN_HISTORY,
    ),
    Target(
        "holds",
        "circulation.Hold",
        "hold_history",
        Action.UNLINK,
        (Clock("closed_at"),),
        base=lambda m: Q(status__in=_FINISHED_HOLDS, member__isnull=False),
        keep_with_consent=ConsentPurpose.LOAN_HISTORY,
    ),
    NotesTarget(
        "notes",
        "members.MemberNote",
        "notes",
        Action.DELETE,
        (Clock("expires_on"), Clock("created_at")),
    ),
    Target("access_log", "privacy.AccessLogEntry", "access_log", Action.DELETE, (Clock("at"),)),
    Target("admin_log", "admin.LogEntry", "access_log", Action.DELETE, (Clock("action_time"),)),
    Target(
        "delivery_attempts",
        "notices.DeliveryAttempt",
        "messages",
        Action.DELETE,
        (Clock("notice__created_at"),),
        base=lambda m: ~Q(notice__status__in=_UNSENT),
        member_field="notice__member",
    ),
    Target(
        "messages",
        "notices.Notice",
        "messages",
        Action.DELETE,
        (Clock("created_at"),),
        base=lambda m: ~Q(status__in=_UNSENT),
    ),
    Target(
        "family_log",
        "members.FamilyAccessEvent",
        "family_log",
        Action.DELETE,
        (Clock("at"),),
        member_field="owner",
    ),
    Target(
        "family_access",
        "members.FamilyAccess",
        "closed_requests",
        Action.DELETE,
        (Clock("answer_by"), Clock("decided_at", True), Clock("ended_at", True)),
        base=_family_access_base,
        member_field="owner",
    ),
    Target(
        "guardian_links",
        "members.GuardianLink",
        "closed_requests",
        Action.DELETE,
        (Clock("ended_at"),),
        member_field="child",
    ),
    Target(
        "identity_requests",
        "members.IdentityChangeRequest",
        "closed_requests",
        Action.DELETE,
        (Clock("requested_at"), Clock("decided_at", True)),
        base=lambda m: ~Q(status="pending"),
    ),
    Target(
        "identity_checks",
        "members.IdentityCheck",
        "closed_requests",
        Action.DELETE,
        (Clock("at"),),
    ),
    Target(
        "reset_codes",
        "members.ResetCode",
        "closed_requests",
        Action.DELETE,
        (Clock("expires_at"), Clock("used_at", True)),
        base=lambda m: Q(used_at__isnull=False) | Q(expires_at__lt=m.now),
    ),
    Target(
        "statement_responses",
        "privacy.StatementResponse",
        "closed_requests",
        Action.DELETE,
        (Clock("at"), Clock("handled_at")),
    ),
    Target(
        "disclosures",
        "privacy.Disclosure",
        "disclosures",
        Action.DELETE,
        (Clock("at"), Clock("hidden_until", True)),
    ),
    Target(
        "legal_requests",
        "privacy.LegalRequest",
        "disclosures",
        Action.DELETE,
        (Clock("decided_at"), Clock("non_disclosure_until", True)),
        base=lambda m: Q(status__in=("approved", "refused")),
    ),
    *(
        Target(
            f"login_attempts_{label.split('.')[1].lower()}",
            label,
            "login_attempts",
            Action.DELETE,
            (Clock("attempt_time"),),
            member_field="",
        )
        for label in ("axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog")
    ),
    Target(
        "sessions",
        "sessions.Session",
        "sessions",
        Action.DELETE,
        (Clock("expire_date"),),
        member_field="",
    ),
    Target(
        "ended_memberships",
        "members.Member",
        "ended_membership",
        Action.ERASE,
        (Clock("membership_end"),),
        base=_ended_membership_base,
        member_field="pk",
    ),
)


# --- Settings ---------------------------------------------------------------------------------


def retention_periods() -> dict[str, int | None]:
    """The library's period per rule in days (its setting, else the rule's default). One query."""
    periods: dict[str, int | None] = {key: rule.default_days for key, rule in RULES.items()}
    for key, days in RetentionSetting.objects.values_list("rule", "days"):
        if key in RULES and RULES[key].configurable:
            periods[key] = days
    return periods


@transaction.atomic
def retention_setting_change(*, rule: str, days: int, staff: User | None) -> RetentionSetting:
    """Set the library's period for ``rule``, within the rule's bounds. Locks the setting row."""
    found = RULES.get(rule)
    if found is None:
        raise PrivacyError(PrivacyErrorCode.RETENTION_UNKNOWN_RULE)
    if not found.configurable:
        raise PrivacyError(PrivacyErrorCode.RETENTION_NOT_CONFIGURABLE)
    assert found.min_days is not None and found.max_days is not None
    if not found.min_days <= days <= found.max_days:
        raise PrivacyError(
            PrivacyErrorCode.RETENTION_OUT_OF_BOUNDS,
            min_days=found.min_days,
            max_days=found.max_days,
        )
    setting = RetentionSetting.objects.select_for_update().filter(rule=rule).first()
    if setting is None:
        return RetentionSetting.objects.create(rule=rule, days=days, changed_by=staff)
    setting.days = days
    setting.changed_by = staff
    setting.save(update_fields=["days", "changed_by", "changed_at"])
    return setting


# --- The one definition of "past its rule" ----------------------------------------------------


@dataclass(frozen=True)
class PastRow:
    pk: object
    due: dt.datetime  # when it ran out


def past_rows(
    target: Target,
    *,
    moment: Moment,
    periods: dict[str, int | None],
    chunk_size: int | None = None,
) -> Iterator[list[PastRow]]:
    """The rows of ``target`` past their rule, in chunks (primary-key order).

    Per chunk: one query for the rows, and one consent check when members may keep them. Rows
    of members who keep their history are left out. Callers may delete or change each chunk
    before asking for the next one.
    """
    from kaft.privacy.services.consent import member_ids_with_consent

    days = target.days(periods)
    if days is None:
        return
    size = chunk_size or CHUNK_SIZE
    model = target.model_class
    pk_name = model._meta.pk.name  # type: ignore[union-attr]
    clock_fields = [clock.field for clock in target.clocks]
    columns = ["pk", *clock_fields]
    if target.keep_with_consent is not None:
        columns.append(target.member_field)
    rows = model._base_manager.filter(target.past_q(moment, days)).order_by("pk")
    last: object = None
    while True:
        page = rows if last is None else rows.filter(**{f"{pk_name}__gt": last})
        found = list(page.values_list(*columns)[:size])
        if not found:
            return
        last = found[-1][0]
        full = len(found) == size
        if target.keep_with_consent is not None:
            keeping = member_ids_with_consent(
                target.keep_with_consent, {row[-1] for row in found if row[-1] is not None}
            )
            found = [row for row in found if row[-1] not in keeping]
        clocks = len(clock_fields)
        chunk = [PastRow(row[0], target.due(tuple(row[1 : 1 + clocks]), days)) for row in found]
        if chunk:
            yield chunk
        if not full:
            return


# --- The job ----------------------------------------------------------------------------------


def _apply_chunk(target: Target, pks: list[object]) -> int:
    model = target.model_class
    rows = model._base_manager.filter(pk__in=pks)
    if target.action is Action.UNLINK:
        return rows.update(**{target.member_field: None})
    if target.action is Action.DELETE:
        deleted, per_model = rows.delete()
        return per_model.get(model._meta.label, 0)
    return _erase(rows)


def _erase(rows: models.QuerySet[models.Model]) -> int:
    """Erase members whose membership ended (one at a time: erasure spans every table)."""
    from kaft.core.errors import DomainError
    from kaft.privacy.services.erasure import member_erase

    erased = 0
    for member in rows:
        assert isinstance(member, Member)
        try:
            member_erase(member=member, staff=None)
        except DomainError:
            continue  # something still stands in the way; tried again tomorrow
        erased += 1
    return erased


def retention_apply(
    *, now: dt.datetime | None = None, chunk_size: int | None = None
) -> RetentionRun:
    """Apply every retention rule once; record a :class:`RetentionRun` with counts per rule.

    Idempotent: a second run finds nothing past its rule. Each chunk is its own transaction, so
    a long run holds no lock for long and a crash loses at most one chunk of work.
    """
    from kaft.privacy.services.erasure import erasure_requests_settle

    moment = Moment(now or timezone.now())
    run = RetentionRun.objects.create(started_at=timezone.now(), counts={})
    periods = retention_periods()
    counts: dict[str, dict[str, int]] = {}
    for target in TARGETS:
        done = 0
        for chunk in past_rows(target, moment=moment, periods=periods, chunk_size=chunk_size):
            with transaction.atomic():
                done += _apply_chunk(target, [row.pk for row in chunk])
        counts.setdefault(target.rule, {})[target.model] = (
            counts.get(target.rule, {}).get(target.model, 0) + done
        )
    counts.setdefault("erasure_requests", {})["privacy.ErasureRequest"] = erasure_requests_settle()
    run.counts = counts
    run.finished_at = timezone.now()
    run.save(update_fields=["counts", "finished_at"])
    return run


# --- The proof --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueRow:
    table: str
    pk: object
    rule: str
    overdue: dt.timedelta


def retention_overdue(
    *, now: dt.datetime | None = None, chunk_size: int | None = None
) -> Iterator[OverdueRow]:
    """Every row kept past its rule, with how long past (ids only, nothing personal)."""
    moment = Moment(now or timezone.now())
    periods = retention_periods()
    for target in TARGETS:
        for chunk in past_rows(target, moment=moment, periods=periods, chunk_size=chunk_size):
            for row in chunk:
                yield OverdueRow(target.model, row.pk, target.rule, moment.now - row.due)


def retention_overdue_counts(*, now: dt.datetime | None = None) -> dict[str, int]:
    """How many rows are past each rule now (for the desk page)."""
    counts: dict[str, int] = {}
    for row in retention_overdue(now=now):
        counts[row.rule] = counts.get(row.rule, 0) + 1
    return counts
