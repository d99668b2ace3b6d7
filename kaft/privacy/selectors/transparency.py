"""Reads for transparency: what the member sees of who looked at and who received their data,
the register of partners, and the privacy officer's dashboard counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.paginator import Page
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kaft.core import params
from kaft.members.models import (
    FamilyAccess,
    FamilyAccessEvent,
    FamilyAccessStatus,
    GuardianLink,
    IdentityChangeRequest,
    Member,
    RequestStatus,
    StaffRole,
)
from kaft.privacy.models import (
    AccessLogEntry,
    AccessPurpose,
    Consent,
    ConsentPurpose,
    DataCategory,
    Disclosure,
    ErasureRequest,
    ErasureStatus,
    LegalBasis,
    LegalRequest,
    LegalRequestStatus,
    Partner,
    RetentionRun,
    StatementResponse,
)
from kaft.privacy.registry import rule_label
from kaft.privacy.selectors.visits import Visit, access_visits

ACCESS_LOG_PAGE_SIZE = 25
SHOWS_NAME = "display_name"
SHOWS_ROLE = "role"


def access_log_shows() -> str:
    """How the member sees who looked: the staff member's display name, or only the role."""
    value = getattr(settings, "KAFT_ACCESS_LOG_SHOWS", SHOWS_NAME)
    return SHOWS_ROLE if value == SHOWS_ROLE else SHOWS_NAME


def role_label(role: str) -> str:
    return str(StaffRole(role).label) if role in StaffRole.values else ""


def legal_basis_label(value: str) -> str:
    """A partner's legal basis is a :class:`LegalBasis` value; an authority's an article."""
    return str(LegalBasis(value).label) if value in LegalBasis.values else value


def category_labels(values: list[str]) -> list[str]:
    return [str(DataCategory(v).label) for v in values if v in DataCategory.values]


def access_log_within_retention(
    entries: QuerySet[AccessLogEntry], now: dt.datetime | None = None
) -> QuerySet[AccessLogEntry]:
    """``entries`` without those past the access-log retention period, decided now, by the same
    definition the nightly job deletes by (its target in the retention module): a row past its
    period is never shown, also before the job has run."""
    from kaft.privacy.services.retention import TARGETS, Moment, retention_periods

    target = next(t for t in TARGETS if t.key == "access_log")
    days = target.days(retention_periods())
    if days is None:
        return entries
    return entries.exclude(target.past_q(Moment(now or timezone.now()), days))


def access_log_visible(member: Member, today: dt.date | None = None) -> QuerySet[AccessLogEntry]:
    """The member's access-log entries they may see: those within the retention period. While
    a non-disclosure order on a request from police or justice about them runs, the looks made
    to answer such a request are left out (they would give the request away); they show once
    the order has ended."""
    today = today or timezone.localdate()
    entries = access_log_within_retention(AccessLogEntry.objects.filter(member=member))
    order_runs = LegalRequest.objects.filter(member=member, non_disclosure_until__gt=today)
    if order_runs.exists():
        entries = entries.exclude(purpose=AccessPurpose.LEGAL_REQUEST)
    return entries


def member_access_log(
    member: Member, page_number: Any = 1, today: dt.date | None = None
) -> tuple[Page[Any], list[Visit]]:
    """The member's access log as visits (:mod:`kaft.privacy.selectors.visits`), newest
    first, a page at a time."""
    visible = access_log_visible(member, today)
    shows_name = access_log_shows() == SHOWS_NAME
    page = access_visits(visible, shows_name=shows_name, page_number=page_number)
    return page, list(page.object_list)


def member_family_events(member: Member, page_number: Any = 1) -> Page[Any]:
    """What family members did on ``member``'s account, newest first."""
    events = (
        FamilyAccessEvent.objects.filter(owner=member)
        .select_related("actor")
        .order_by("-at", "-pk")
    )
    return params.paginate(events, ACCESS_LOG_PAGE_SIZE, page_number)


def disclosures_visible(member: Member, today: dt.date | None = None) -> QuerySet[Disclosure]:
    """The disclosures ``member`` may see: all but those under a non-disclosure order that runs."""
    today = today or timezone.localdate()
    return (
        Disclosure.objects.filter(member=member)
        .filter(Q(hidden_until__isnull=True) | Q(hidden_until__lte=today))
        .order_by("-at", "-pk")
    )


def disclosure_rows(disclosures: QuerySet[Disclosure]) -> list[dict[str, Any]]:
    return [
        {
            "at": d.at,
            "recipient": d.recipient,
            "purpose": d.purpose,
            "legal": d.legal_request_id is not None,
            "legal_basis": legal_basis_label(d.legal_basis),
            "categories": category_labels(list(d.categories)),
        }
        for d in disclosures
    ]


def partners_active() -> list[dict[str, Any]]:
    return [
        {
            "name": p.name,
            "purpose": p.purpose,
            "legal_basis": legal_basis_label(p.legal_basis),
            "categories": category_labels(list(p.categories)),
            "url": p.privacy_statement_url,
        }
        for p in Partner.objects.filter(active=True).order_by("name")
    ]


def partner_list() -> QuerySet[Partner]:
    return Partner.objects.order_by("-active", "name")


def legal_requests(*, open_only: bool = False) -> QuerySet[LegalRequest]:
    queryset = LegalRequest.objects.select_related(
        "member", "registered_by__staff_profile", "decided_by__staff_profile"
    ).order_by("-registered_at", "-pk")
    if open_only:
        queryset = queryset.filter(status=LegalRequestStatus.REGISTERED)
    return queryset


def dashboard(now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything on the privacy officer's dashboard, in a fixed number of queries (eight)."""
    now = now or timezone.now()
    counts = {
        "legal_open": LegalRequest.objects.filter(status=LegalRequestStatus.REGISTERED).count(),
        "corrections": IdentityChangeRequest.objects.filter(status=RequestStatus.PENDING).count(),
        "erasures": ErasureRequest.objects.filter(status=ErasureStatus.WAITING).count(),
        "responses": StatementResponse.objects.filter(handled_at__isnull=True).count(),
    }
    family = FamilyAccess.objects.aggregate(
        requested=Count("pk", filter=Q(status=FamilyAccessStatus.REQUESTED)),
        active=Count("pk", filter=Q(status=FamilyAccessStatus.ACTIVE)),
    )
    guardians = GuardianLink.objects.filter(ended_at__isnull=True).count()
    run = RetentionRun.objects.order_by("-started_at").first()
    consent_rows = Consent.objects.values("purpose").annotate(
        n_given=Count("pk", filter=Q(given=True)), n_refused=Count("pk", filter=Q(given=False))
    )
    by_purpose: dict[str, dict[str, Any]] = {row["purpose"]: dict(row) for row in consent_rows}
    consents = [
        {
            "purpose": purpose.label,
            "given": by_purpose.get(purpose.value, {}).get("n_given", 0),
            "refused": by_purpose.get(purpose.value, {}).get("n_refused", 0),
        }
        for purpose in ConsentPurpose
    ]
    since = now - dt.timedelta(days=365)
    per_recipient = list(
        Disclosure.objects.filter(at__gte=since)
        .values("recipient", "partner_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "recipient")
    )
    return {
        **counts,
        "family_requested": family["requested"],
        "family_active": family["active"],
        "guardians": guardians,
        "retention_run": run,
        "retention_counts": [
            (
                rule_label(key),
                sum(count.values()) if isinstance(count, dict) else count,
            )
            for key, count in ((run.counts or {}).items() if run else [])
        ],
        "consents": consents,
        "disclosures": per_recipient,
    }
