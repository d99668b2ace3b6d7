"""What each retention rule acts on: one or more :class:`Target` per table with a period, and
when a row's clock started. The job and the proof in :mod:`kaft.privacy.services.retention`
both read :data:`TARGETS`."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Sum, Window
from django.db.models.functions import TruncMonth
from django.utils import timezone

from kaft.members.models import MemberStatus
from kaft.privacy.models import (
    ConsentPurpose,
    LegalRequest,
    LegalRequestStatus,
)
from kaft.privacy.services.owed import members_owing

CHUNK_SIZE = 500  # below SQLite's 999 parameters, so a chunk's delete stays one statement


class Action(enum.StrEnum):
    UNLINK = "unlink"  # empty the member link; the row stays for statistics
    DELETE = "delete"
    ERASE = "erase"  # erase the member through the rights service
    PURGE = "purge"  # an online sign-up that lapsed: the member and all their rows are deleted


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


@dataclass(frozen=True)
class OwnPeriodTarget(Target):
    """Rows whose period each parent sets for itself, within the rule's bounds: a contest keeps
    its entries the days it says after its last day, and stores that last day of keeping
    (``entries_kept_until``). The clock is that stored day, so the period counted here is 0:
    the rows go the day after."""

    def days(self, periods: dict[str, int | None]) -> int | None:
        return 0


@dataclass(frozen=True)
class RareTermsTarget(Target):
    """Counts of catalogue searches per day and term (``outreach.SearchTermDay``, nobody's data
    but a rare term may be a name or an address): a day's row goes the rule's days after that
    day, once its calendar month is over, when the term was used fewer than
    ``KAFT_STATS_MIN_TERM_COUNT`` times in that whole month. A term that reached the threshold in
    its month is what the statistics page shows, and stays.

    Why per day and not per month: the clock stays the row's own day, as every other target's,
    so the proof says exactly how far past a row is, and no row waits longer than the rule says.
    Rarity is judged over a whole month (only months before the current one), so it cannot
    change while rows are deleted: taking away rows of a rare term leaves it rare, and the rows
    of a frequent term are never touched.

    The month sums are one window function over the ended months (``SUM(count) OVER (PARTITION
    BY month, term)``) in a subquery that does not depend on the row, so each chunk stays one
    query to read and one to delete. That query sums every ended month again, so its cost grows
    with the table: a night has a chunk or a few of rare rows (87,000 rows: about a second per
    chunk on SQLite), but a long backlog is slow.

    The threshold is the statistics page's own setting (``kaft/outreach/selectors/statistics.py``,
    read the same way: at least 1), read here and not imported because privacy sits below
    outreach."""

    def past_q(self, moment: Moment, days: int) -> Q:
        this_month = moment.today.replace(day=1)
        threshold = max(1, int(getattr(settings, "KAFT_STATS_MIN_TERM_COUNT", 5)))
        rare = (
            self.model_class._base_manager.filter(day__lt=this_month)
            .annotate(month_total=Window(Sum("count"), partition_by=[TruncMonth("day"), F("term")]))
            .filter(month_total__lt=threshold)
            .values("pk")
        )
        return super().past_q(moment, days) & Q(day__lt=this_month) & Q(pk__in=rare)

    def due(self, values: tuple[object, ...], days: int) -> dt.datetime:
        """The rule's days after the row's day, but not before its month is over."""
        (day,) = values
        assert isinstance(day, dt.date)
        next_month = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        return max(super().due(values, days), _start_of(next_month))


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
        & ~Q(pk__in=members_owing().values("pk"))
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
    # Money: seven years for the fiscal duty, then the member link goes (amounts stay for the
    # books). Events and payments point at charges, so they come first.
    Target(
        "payments",
        "billing.Payment",
        "financial",
        Action.UNLINK,
        (Clock("at"),),
        base=lambda m: Q(member__isnull=False),
    ),
    Target(
        "invoices",
        "billing.Invoice",
        "financial",
        Action.UNLINK,
        (Clock("issued_on"),),
        base=lambda m: Q(member__isnull=False),
    ),
    Target(
        "charges",
        "billing.Charge",
        "financial",
        Action.UNLINK,
        (Clock("created_at"),),
        base=lambda m: Q(member__isnull=False),
    ),
    # Direct debit: 14 months (the refund window) after the collection, the read or the end.
    # Returns point at debits, debits at runs and mandates: they go first.
    Target("sepa_returns", "billing.SepaReturn", "direct_debit", Action.DELETE, (Clock("at"),)),
    Target(
        "sepa_return_files",
        "billing.SepaReturnFile",
        "direct_debit",
        Action.DELETE,
        (Clock("imported_at"),),
    ),
    Target(
        "sepa_collections",
        "billing.SepaCollection",
        "direct_debit",
        Action.DELETE,
        (Clock("collection_date"),),
    ),
    Target(
        "sepa_runs",
        "billing.SepaRun",
        "direct_debit",
        Action.DELETE,
        (Clock("collection_date"),),
    ),
    Target(
        "mandates",
        "billing.Mandate",
        "direct_debit",
        Action.DELETE,
        (Clock("ended_at"),),
        base=lambda m: Q(status__in=("ended", "lapsed")),
    ),
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
        "interlibrary_requests",
        "interlibrary.InterlibraryRequest",
        "loan_history",
        Action.UNLINK,
        (Clock("closed_at"),),
        base=lambda m: Q(closed_at__isnull=False, member__isnull=False),
        keep_with_consent=ConsentPurpose.LOAN_HISTORY,
    ),
    # A request that never closed (the lender never confirmed the return, a partner went
    # silent): unlinked some time after it was made, whatever its state, so that no member
    # stays linked for good.
    Target(
        "interlibrary_requests_open",
        "interlibrary.InterlibraryRequest",
        "interlibrary_open",
        Action.UNLINK,
        (Clock("created_at"),),
        base=lambda m: Q(closed_at__isnull=True, member__isnull=False),
        keep_with_consent=ConsentPurpose.LOAN_HISTORY,
    ),
    Target(
        "interlibrary_messages",
        "interlibrary.OutgoingMessage",
        "messages",
        Action.DELETE,
        (Clock("created_at"),),
        base=lambda m: ~Q(status="pending"),
        member_field="request__member",
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
        "email_changes",
        "members.EmailChange",
        "closed_requests",
        Action.DELETE,
        (Clock("expires_at"), Clock("confirmed_at", True)),
        base=lambda m: Q(confirmed_at__isnull=False) | Q(expires_at__lt=m.now),
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
    *(
        Target(key, model, "app_tokens", Action.DELETE, (Clock("expires"),), member_field="")
        for key, model in (
            ("app_access_tokens", "oauth2_provider.AccessToken"),
            ("app_grants", "oauth2_provider.Grant"),
            ("app_id_tokens", "oauth2_provider.IDToken"),
            ("app_device_grants", "oauth2_provider.DeviceGrant"),
        )
    ),
    Target(
        "app_refresh_tokens",
        "oauth2_provider.RefreshToken",
        "app_refresh_tokens",
        Action.DELETE,
        (Clock("created"),),
        member_field="",
    ),
    # Contest entries: the day after their contest's own last day of keeping.
    OwnPeriodTarget(
        "contest_entries",
        "outreach.Entry",
        "contest_entries",
        Action.DELETE,
        (Clock("campaign__entries_kept_until"),),
    ),
    # Invitations of the research panel: the rule's days after their survey closed.
    Target(
        "panel_invitations",
        "outreach.Invitation",
        "panel_invitations",
        Action.DELETE,
        (Clock("survey__closed_at"),),
        base=lambda m: Q(survey__status="closed"),
    ),
    # A partner service the member signed in to (OpenID Connect), unused past the rule.
    Target(
        "partner_sign_ins",
        "privacy.PartnerSignIn",
        "partner_sign_ins",
        Action.DELETE,
        (Clock("last_at"),),
    ),
    # Newsletters (kaft/outreach): deliveries under the messages rule (before the subscriptions
    # they point at), ended subscriptions, and sign-ups whose link was never followed.
    Target(
        "newsletter_deliveries",
        "outreach.Delivery",
        "messages",
        Action.DELETE,
        (Clock("queued_at"),),
        base=lambda m: ~Q(status="queued"),
        member_field="subscription__member",
    ),
    Target(
        "newsletter_ended",
        "outreach.Subscription",
        "newsletter_ended",
        Action.DELETE,
        (Clock("ended_at"),),
        base=lambda m: Q(status="ended"),
    ),
    Target(
        "newsletter_unconfirmed",
        "outreach.Subscription",
        "newsletter_unconfirmed",
        Action.DELETE,
        (Clock("requested_at"),),
        base=lambda m: Q(status="pending"),
    ),
    # Search terms in the catalogue, counted per day (kaft/outreach): a term too rare in its
    # month for the statistics page to show it.
    RareTermsTarget(
        "rare_search_terms",
        "outreach.SearchTermDay",
        "rare_search_terms",
        Action.DELETE,
        (Clock("day"),),
        member_field="",
    ),
    # Online sign-ups that lapsed (kaft/members/services/signup.py): deleted entirely, as if
    # they had never been; ``signed_up_online_at`` is the clock of both rules.
    Target(
        "signups_unconfirmed",
        "members.Member",
        "signups_unconfirmed",
        Action.PURGE,
        (Clock("signed_up_online_at"),),
        base=lambda m: Q(
            email_verified_at__isnull=True, identity_checked_at__isnull=True, erased_at__isnull=True
        ),
        member_field="pk",
    ),
    Target(
        "signups_incomplete",
        "members.Member",
        "signups_incomplete",
        Action.PURGE,
        (Clock("signed_up_online_at"),),
        base=lambda m: Q(identity_checked_at__isnull=True, erased_at__isnull=True),
        member_field="pk",
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
