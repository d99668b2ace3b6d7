"""The right to erasure: what stands in the way, and anonymising a member.

Erasure works from the registry (:data:`kaft.privacy.registry.REGISTRY`): per table its
``Erasure`` action — DELETE the member's rows, UNLINK the member from loans and reservations (so
the statistics per title, branch, category, age band and month stay), ANONYMISE the member row
itself, KEEP what holds nothing personal once the member row is emptied. Each table costs a fixed
number of queries, however many rows it has.

What stands in the way (:func:`erasure_blockers`):

- copies still on loan (the library must get them back);
- money owed (:func:`amount_owed`, which asks billing's ledger);
- a request from police or justice about the member that a privacy officer has not yet decided
  on, or a decided one whose non-disclosure order still runs (its record must stay). Erasing
  would answer it by destroying the data it asks for, which the library may not do while the
  request runs. The member sees only a neutral message (ask at the desk), never that
  such a request exists, so a possible non-disclosure order is not defeated either.

A member whose erasure is blocked may leave a waiting :class:`ErasureRequest`; the daily job
calls :func:`erasure_requests_settle`, which erases them as soon as nothing stands in the way.

What erasure reaches besides the member's own rows:

- login records (django-axes), tied to no member: deleted when written under any name the member
  had (``member-<id>``, the card number, the current and every former e-mail address: the
  register's ``login_names``), compared stripped and case-insensitively;
- other members' rows that mention the member (family access, a guardian's consent): they stay
  with their owner, the mention emptied (family access and guardian links end first);
- free text in the rows of the members linked to them (a note, a block reason, a guardian
  check's note, a message) that names them: the name becomes their role
  (:func:`kaft.privacy.services.parties.mentions_of_erased_scrub`; a few queries per linked
  member and table, and one per row that changes: a member has few people linked to them);
- dead rows: after the commit the tables that changed are vacuumed (:mod:`kaft.core.dead_rows`).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower, Trim
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kaft.core.dead_rows import dead_rows_clear_after_commit
from kaft.members.locks import member_for_update
from kaft.members.models import (
    Member,
    MemberStatus,
    User,
    member_username,
)
from kaft.privacy.errors import PrivacyError, PrivacyErrorCode
from kaft.privacy.models import ErasureRequest, ErasureStatus, LegalRequest, LegalRequestStatus
from kaft.privacy.registry import REGISTRY, Erasure
from kaft.privacy.services.erasure_steps import ErasureReason, ErasureStep, erasure_steps_run
from kaft.privacy.services.owed import amount_owed
from kaft.privacy.services.parties import mentions_of_erased_scrub

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ErasureBlocker:
    """One thing that stands in the way of erasure, in words for the member."""

    code: str  # "open_loans", "amount_owed", ...
    message: str | Promise


def _open_loan_titles(member: Member) -> list[str]:
    from kaft.circulation.models import Loan, LoanStatus

    return list(
        Loan.objects.filter(member=member, status=LoanStatus.OPEN)
        .order_by("due_date", "pk")
        .values_list("record__title", flat=True)
    )


def erasure_blockers(member: Member) -> list[ErasureBlocker]:
    """Everything that keeps ``member`` from being erased now (empty: may be erased)."""
    blockers: list[ErasureBlocker] = []
    titles = _open_loan_titles(member)
    if titles:
        count = len(titles)
        text = ngettext(
            "You still have %(count)d item on loan: %(titles)s.",
            "You still have %(count)d items on loan: %(titles)s.",
            count,
        ) % {"count": count, "titles": ", ".join(titles)}
        blockers.append(ErasureBlocker("open_loans", text))
    owed = amount_owed(member)
    if owed:
        blockers.append(
            ErasureBlocker(
                "amount_owed",
                _("You still owe the library € %(amount)s.") % {"amount": f"{owed:.2f}"},
            )
        )
    # A request not yet decided, or a decided one whose non-disclosure order still runs: its
    # record must stay (retention keeps it until the order ends; erasure would delete it).
    running = Q(non_disclosure_until__gt=timezone.localdate())
    if LegalRequest.objects.filter(
        Q(status=LegalRequestStatus.REGISTERED) | running, member=member
    ).exists():
        blockers.append(
            ErasureBlocker(
                "pending_request",
                _(
                    "A matter about your account is still being handled. Please ask at the desk "
                    "or contact the library."
                ),
            )
        )
    return blockers


def _nullable(model: type[models.Model], path: str) -> bool:
    if "__" in path:
        return False
    field = model._meta.get_field(path)
    return bool(getattr(field, "null", False))


def _anonymise(member: Member, now: dt.datetime) -> None:
    entry = next(e for e in REGISTRY if e.model == "members.Member")
    values: dict[str, object] = {
        "first_name": "",
        "name_prefix": "",
        "last_name": "",
        "card_number": f"erased-{member.pk}",
        "date_of_birth": None,
        "email": "",
        "phone": "",
        "block_reason": "",
        "blocked_by_kiosk": False,
        "kiosk_pin": "",
        "status": MemberStatus.ERASED,
        "erased_at": now,
        "user": None,
        **entry.anonymise,
    }
    for name, value in values.items():
        setattr(member, name, value)
    member.save(update_fields=[*values, "updated_at"])


def _cancel_active_holds(member: Member, staff: User | None, now: dt.datetime) -> None:
    """Reservations still in the queue or waiting for pickup are cancelled first, through
    circulation's own service (a copy set aside for one is then routed as for any cancellation);
    an unlinked reservation must not stay in a queue. One per reservation, at most the maximum
    number of reservations a member may have."""
    from kaft.circulation.models import ACTIVE_HOLD_STATUSES, Hold
    from kaft.circulation.services.holds import hold_cancel

    active = Hold.objects.filter(member=member, status__in=ACTIVE_HOLD_STATUSES).order_by("pk")
    for hold in active:
        hold_cancel(hold=hold, staff=staff, via="system", now=now)


def _login_names(member: Member) -> list[str]:
    """Every name the member may have logged in, or tried to, with: ``member-<id>`` and the
    register's ``login_names`` columns of the member's own rows (card number, the e-mail address
    now and before, the addresses messages went to), stripped and lower-cased."""
    names = {member_username(member.pk)}
    for entry in REGISTRY:
        if not entry.login_names or not entry.member_paths:
            continue
        rows = entry.model_class._default_manager.filter(**{entry.member_paths[0]: member.pk})
        for values in rows.values_list(*entry.login_names):
            names.update(str(v).strip().lower() for v in values if v and str(v).strip())
    return sorted(names)


def _delete_login_records(names: list[str], touched: set[str]) -> None:
    """Delete the rows of every login-record table written under one of ``names``: one query
    per table (plus Django's cascade)."""
    for entry in REGISTRY:
        if not entry.login_field:
            continue
        rows = entry.model_class._default_manager.alias(
            typed_login=Lower(Trim(entry.login_field))
        ).filter(typed_login__in=names)
        _deleted(rows, touched)


def _deleted(rows: models.QuerySet[models.Model], touched: set[str]) -> None:
    _total, per_model = rows.delete()
    touched.update(label for label, count in per_model.items() if count)


def _updated(rows: models.QuerySet[models.Model], touched: set[str], **values: object) -> None:
    if rows.update(**values):
        touched.add(rows.model._meta.label)


@transaction.atomic
def member_erase(
    *,
    member: Member,
    staff: User | None = None,
    reason: ErasureReason = ErasureReason.REQUEST,
    repeat: bool = False,
) -> None:
    """Anonymise ``member`` through the registry (each table's ``Erasure``), end their sessions,
    disable their login; statistics stay. Refuses (MemberError/PrivacyError) with blockers.

    Locks the member row. A fixed number of queries per registered table, whatever the number of
    rows. The login is deleted after its ``session_version`` was raised, so every session of it
    ends at its next request. The steps other domains registered run first, while the member is
    still complete (:mod:`kaft.privacy.services.erasure_steps`: ``notices`` queues the goodbye
    e-mail saying why, ``reason``, sent after commit); the tables that changed are vacuumed after
    commit.

    ``repeat``: erasing again a member that a restored backup brought back (``kaft erase-again``):
    they were erased before, so nothing stands in the way and no second goodbye is sent."""
    from kaft.members.services.family import family_links_end_on_erasure

    locked = member_for_update(member.pk)
    if locked.erased_at is not None or locked.status == MemberStatus.ERASED:
        raise PrivacyError(PrivacyErrorCode.ALREADY_ERASED)
    if not repeat and erasure_blockers(locked):
        raise PrivacyError(PrivacyErrorCode.ERASURE_BLOCKED)
    now = timezone.now()
    touched: set[str] = {"members.Member"}
    names = _login_names(locked)  # before the rows that hold them go
    touched |= mentions_of_erased_scrub(locked)  # before the links to the others go
    erasure_steps_run(
        ErasureStep(member=locked, staff=staff, now=now, reason=reason, repeat=repeat)
    )
    user_id = locked.user_id
    if user_id is not None:
        User.objects.filter(pk=user_id).update(session_version=F("session_version") + 1)
    _cancel_active_holds(locked, staff, now)
    family_links_end_on_erasure(member=locked, now=now)
    _delete_login_records(names, touched)
    for entry in REGISTRY:
        if not entry.member_paths or entry.model == "members.Member":
            continue
        model = entry.model_class
        manager = model._default_manager
        owner, *others = entry.member_paths
        if entry.erasure is Erasure.DELETE:
            # The member's own rows go. Rows of another member that only mention this one (a
            # child's consent given by this parent, what this member did on someone's account)
            # keep their owner's history: the mention is emptied where it may be, else deleted.
            match = Q(**{owner: locked.pk})
            for path in others:
                if _nullable(model, path):
                    _updated(manager.filter(**{path: locked.pk}), touched, **{path: None})
                else:
                    match |= Q(**{path: locked.pk})
            _deleted(manager.filter(match), touched)
        elif entry.erasure is Erasure.UNLINK:
            for path in entry.member_paths:
                _updated(
                    manager.filter(**{path: locked.pk}),
                    touched,
                    **{path: None, **entry.unlink_clears},
                )
    _anonymise(locked, now)
    ErasureRequest.objects.filter(member=locked, status=ErasureStatus.WAITING).update(
        status=ErasureStatus.DONE, done_at=now, staff=staff
    )
    dead_rows_clear_after_commit(sorted(touched))
    logger.info("member %s erased (%s)", locked.pk, reason.value)


@transaction.atomic
def erasure_request(*, member: Member) -> ErasureRequest:
    """The member asks to be deleted: erased at once when nothing stands in the way, otherwise
    waiting; :func:`erasure_requests_settle` (daily job) erases it as soon as it is settled.

    Locks the member row. A second request while one waits returns the waiting one."""
    locked = member_for_update(member.pk)
    if locked.erased_at is not None or locked.status == MemberStatus.ERASED:
        raise PrivacyError(PrivacyErrorCode.ALREADY_ERASED)
    waiting = ErasureRequest.objects.filter(member=locked, status=ErasureStatus.WAITING).first()
    request = waiting or ErasureRequest.objects.create(
        member=locked, requested_at=timezone.now(), status=ErasureStatus.WAITING
    )
    if not erasure_blockers(locked):
        member_erase(member=locked)
        request.refresh_from_db()
    return request


def erasure_request_confirmed(*, member: Member, current_password: str) -> ErasureRequest:
    """The member asks in MijnBibliotheek, at once or for once it is settled, and confirms with
    their current password: a wrong one refuses (``MemberError``) and is counted by the attempt
    limiter, before the request's transaction opens, so the count stays."""
    from kaft.members.services.account import member_password_confirm

    member_password_confirm(member=member, password=current_password)
    return erasure_request(member=member)


@transaction.atomic
def erasure_request_cancel(*, member: Member) -> ErasureRequest:
    """The member no longer wants to be deleted: the waiting request is cancelled. Locks the
    member row; refuses when nothing waits."""
    locked = member_for_update(member.pk)
    waiting = ErasureRequest.objects.filter(member=locked, status=ErasureStatus.WAITING).first()
    if waiting is None:
        raise PrivacyError(PrivacyErrorCode.ERASURE_NOT_WAITING)
    waiting.status = ErasureStatus.CANCELLED
    waiting.save(update_fields=["status"])
    return waiting


def erasure_request_waiting(member: Member) -> ErasureRequest | None:
    return ErasureRequest.objects.filter(member=member, status=ErasureStatus.WAITING).first()


def erasure_requests_settle() -> int:
    """Erase every waiting request whose member has no blockers left; returns how many.

    Each member is erased in its own transaction, so one that fails leaves the others done."""
    from kaft.core.errors import DomainError

    member_ids = list(
        ErasureRequest.objects.filter(status=ErasureStatus.WAITING)
        .order_by("requested_at", "pk")
        .values_list("member_id", flat=True)
    )
    erased = 0
    for member in Member.objects.filter(pk__in=member_ids).order_by("pk"):
        if erasure_blockers(member):
            continue
        try:
            member_erase(member=member)
        except DomainError:
            continue  # it changed meanwhile; tried again tomorrow
        erased += 1
    return erased
