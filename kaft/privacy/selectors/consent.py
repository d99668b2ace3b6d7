"""Reads about consents: a member's overview (every purpose, its state, since when, history) and
the counts per purpose for the privacy officer's dashboard."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kaft.members.models import GuardianLink, Member, MemberStatus
from kaft.privacy.models import Consent, ConsentEvent, ConsentPurpose, Partner
from kaft.privacy.models.disclosure import LegalBasis
from kaft.privacy.services.consent import guardian_consent_lapsed
from kaft.privacy.services.consent_offer import purpose_offered


@dataclass(frozen=True)
class PurposeText:
    """A purpose in plain words: what saying yes means, and what happens with the data."""

    means: Promise
    data: Promise


PURPOSE_TEXTS: dict[str, PurposeText] = {
    ConsentPurpose.NEWSLETTER: PurposeText(
        _("We send you our newsletter by e-mail, about once a month: activities and new books."),
        _(
            "We use your e-mail address and your language for it. Nothing else, and we do not "
            "pass your address on."
        ),
    ),
    ConsentPurpose.RESEARCH_PANEL: PurposeText(
        _("We may invite you now and then to give your opinion about the library (Biebpanel)."),
        _(
            "We use your name, e-mail address and age group to invite you. Your answers are "
            "only used in summaries that do not show who said what."
        ),
    ),
    ConsentPurpose.INTERESTS: PurposeText(
        _("We suggest books and activities that match the interests you tell us."),
        _("We keep the interests you choose yourself. You can change or delete them any time."),
    ),
    ConsentPurpose.LOAN_HISTORY: PurposeText(
        _("We keep a list of what you borrowed, so you can look it up later."),
        _(
            "Without this, we forget a loan soon after you return it. With it, the list stays "
            "until you withdraw this consent; then we delete it."
        ),
    ),
    ConsentPurpose.SITE_STATISTICS: PurposeText(
        _("We count how often pages of our website are visited, to improve the website."),
        _(
            "We only count visits per group of pages (such as the catalogue) and per day, never "
            "which title. We do not store your IP address or anything else that points to you."
        ),
    ),
    ConsentPurpose.PARTNER_SERVICES: PurposeText(
        _("You can use services of partners of the library, such as borrowing e-books."),
        _(
            "We give the partner only what the service needs, such as your card number. "
            "Every time we do, you see it under Who received my data."
        ),
    ),
    ConsentPurpose.CONTESTS: PurposeText(
        _("You can take part in contests and promotions of the library."),
        _(
            "We use your name and contact details to reach you if you win. After the contest "
            "we delete the entries."
        ),
    ),
    ConsentPurpose.DIRECT_DEBIT: PurposeText(
        _("We collect your membership fee and other charges from your bank account."),
        _("We use your bank account number only to collect the amounts due, through our bank."),
    ),
}

# The purposes for which data goes to a partner organisation (shown with the partners' names).
PARTNER_PURPOSES = frozenset({ConsentPurpose.PARTNER_SERVICES})


@dataclass
class PurposeState:
    """One purpose as a member sees it."""

    purpose: ConsentPurpose
    given: bool | None  # None: never answered; False also for a yes that lapsed at 16
    since: dt.datetime | None
    text: PurposeText
    partners: list[str] = field(default_factory=list)
    history: list[ConsentEvent] = field(default_factory=list)
    # A parent or guardian said yes before the member turned 16: it counts again only once the
    # member confirms it.
    needs_confirming: bool = False

    @property
    def label(self) -> str:
        return str(self.purpose.label)


def consent_overview(member: Member) -> list[PurposeState]:
    """Every purpose the library asks for (:func:`purpose_offered`, or one the member said yes
    to) in a fixed order with ``member``'s current answer, since when, and the
    history (newest first). A yes a parent or guardian gave that lapsed at 16 shows as not given,
    waiting for the member's confirmation. Three queries, however long the history."""
    current = {c.purpose: c for c in Consent.objects.filter(member=member)}
    history: dict[str, list[ConsentEvent]] = {}
    events = (
        ConsentEvent.objects.filter(member=member)
        .select_related("statement_version", "guardian")
        .order_by("-at", "-pk")
    )
    for event in events:
        history.setdefault(event.purpose, []).append(event)
    partners = list(
        Partner.objects.filter(active=True, legal_basis=LegalBasis.CONSENT).values_list(
            "name", flat=True
        )
    )
    lapsed = guardian_consent_lapsed(member)
    states = []
    for purpose in ConsentPurpose:
        consent = current.get(purpose.value)
        if not purpose_offered(purpose) and not (consent is not None and consent.given):
            continue  # not asked now; a yes from before stays, so it can be withdrawn
        needs_confirming = consent is not None and consent.given and consent.by_guardian and lapsed
        states.append(
            PurposeState(
                purpose=purpose,
                given=(consent.given and not needs_confirming) if consent is not None else None,
                since=consent.since if consent is not None else None,
                text=PURPOSE_TEXTS[purpose],
                partners=partners if purpose in PARTNER_PURPOSES else [],
                history=history.get(purpose.value, []),
                needs_confirming=needs_confirming,
            )
        )
    return states


def member_guardians(member: Member) -> list[Member]:
    """The parents or guardians with an open link to ``member``."""
    links = GuardianLink.objects.filter(child=member, ended_at__isnull=True).select_related(
        "guardian"
    )
    return [link.guardian for link in links.order_by("recorded_at") if link.guardian is not None]


def consent_counts() -> dict[str, dict[str, int]]:
    """Per purpose value: ``given``, ``withdrawn`` (answered no) and ``unanswered`` members
    (members not erased). Two queries."""
    rows = (
        Consent.objects.filter(member__erased_at__isnull=True)
        .values("purpose")
        .annotate(
            n_given=Count("pk", filter=Q(given=True)),
            n_withdrawn=Count("pk", filter=Q(given=False)),
        )
    )
    by_purpose: dict[str, dict[str, Any]] = {row["purpose"]: dict(row) for row in rows}
    members = Member.objects.filter(erased_at__isnull=True).exclude(status=MemberStatus.ERASED)
    total = members.count()
    counts: dict[str, dict[str, int]] = {}
    for purpose in ConsentPurpose:
        row: dict[str, Any] = by_purpose.get(purpose.value, {})
        given, withdrawn = int(row.get("n_given", 0)), int(row.get("n_withdrawn", 0))
        counts[purpose.value] = {
            "given": given,
            "withdrawn": withdrawn,
            "unanswered": max(total - given - withdrawn, 0),
        }
    return counts
