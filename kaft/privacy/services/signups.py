"""Online sign-ups that lapsed become nothing.

Someone who joined online (:mod:`kaft.members.services.signup`) and did not confirm their e-mail
address in time, or was not completed at the desk in time, never became a member in full. The
retention rules ``signups_unconfirmed`` and ``signups_incomplete`` (their periods are the
settings ``KAFT_SIGNUP_VERIFY_DAYS`` and ``KAFT_SIGNUP_COMPLETE_DAYS``) delete such a sign-up
entirely, through :func:`signup_purge`: unlike an erasure nothing stays for the statistics, and
no goodbye is sent (a message would be a new row about them).

The register (:data:`kaft.privacy.registry.REGISTRY`) says where the rows are: every row of a
registered table tied to the member is deleted, whatever the table's erasure action (a
reservation is not unlinked but deleted, after it was cancelled through circulation so a copy set
aside for it is routed on); rows of other members that only mention them (a parent's own history)
keep their owner, the mention emptied as erasure does. Then login records under any name they
had (django-axes), the member row and the login.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kaft.core.dead_rows import dead_rows_clear_after_commit
from kaft.members.locks import member_for_update
from kaft.members.models import Member, User
from kaft.privacy.registry import REGISTRY
from kaft.privacy.services.erasure import (
    _cancel_active_holds,
    _delete_login_records,
    _deleted,
    _login_names,
    _nullable,
    _updated,
)
from kaft.privacy.services.parties import mentions_of_erased_scrub

logger = logging.getLogger(__name__)

# Deleted last, in this order: the member row, then its login.
_LAST = ("members.Member", "members.User")


def _still_lapsable(member: Member) -> bool:
    return (
        member.signed_up_online_at is not None
        and member.identity_checked_at is None
        and member.erased_at is None
    )


@transaction.atomic
def signup_purge(*, member: Member) -> bool:
    """Delete the online sign-up ``member`` and every row tied to it; returns whether it did.

    Locks the member row first; a sign-up that the desk completed meanwhile (or that is no
    sign-up) is left alone (False). A fixed number of queries per registered table."""
    from kaft.members.services.family import family_links_end_on_erasure

    try:
        locked = member_for_update(member.pk)
    except Member.DoesNotExist:
        return False
    if not _still_lapsable(locked):
        return False
    now = timezone.now()
    touched: set[str] = set(_LAST)
    names = _login_names(locked)
    touched |= mentions_of_erased_scrub(locked)
    _cancel_active_holds(locked, None, now)
    family_links_end_on_erasure(member=locked, now=now)
    _delete_login_records(names, touched)
    for entry in REGISTRY:
        if not entry.member_paths or entry.model in _LAST:
            continue
        model = entry.model_class
        manager = model._default_manager
        owner, *others = entry.member_paths
        match = Q(**{owner: locked.pk})
        for path in others:
            if _nullable(model, path):
                _updated(manager.filter(**{path: locked.pk}), touched, **{path: None})
            else:
                match |= Q(**{path: locked.pk})
        _deleted(manager.filter(match), touched)
    user_id = locked.user_id
    _deleted(Member.objects.filter(pk=locked.pk), touched)
    if user_id is not None:
        _deleted(User.objects.filter(pk=user_id), touched)
    dead_rows_clear_after_commit(sorted(touched))
    logger.info("lapsed online sign-up %s deleted", locked.pk)
    return True


def signups_purge(member_ids: list[int]) -> int:
    """:func:`signup_purge` for each of ``member_ids`` (one transaction each); how many went."""
    purged = 0
    for member in Member.objects.filter(pk__in=member_ids).order_by("pk"):
        if signup_purge(member=member):
            purged += 1
    return purged
