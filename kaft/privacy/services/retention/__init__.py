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

Mail the development setup writes to files (``EMAIL_FILE_PATH``, ``var/mail/``) is a copy of the
outbox and keeps its rule: :mod:`~kaft.privacy.services.retention.mail_files`. The tables a run
changed are vacuumed once at its end (:mod:`kaft.core.dead_rows`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone

from kaft.core.dead_rows import dead_rows_batch, dead_rows_clear_after_commit
from kaft.members.models import Member, User
from kaft.privacy.errors import PrivacyError, PrivacyErrorCode
from kaft.privacy.models import (
    RetentionRun,
    RetentionSetting,
)
from kaft.privacy.registry import RULES
from kaft.privacy.registry import entry_for as registry_entry_for
from kaft.privacy.registry.rules import rule_days
from kaft.privacy.services.retention import mail_files, print_files
from kaft.privacy.services.retention.targets import (
    CHUNK_SIZE,
    TARGETS,
    Action,
    Clock,
    Moment,
    NotesTarget,
    Target,
)

__all__ = [
    "CHUNK_SIZE",
    "TARGETS",
    "Action",
    "Clock",
    "Moment",
    "NotesTarget",
    "Target",
    "retention_apply",
    "retention_overdue",
    "retention_overdue_counts",
    "retention_periods",
    "retention_setting_change",
    "past_rows",
]

# --- Settings ---------------------------------------------------------------------------------


def retention_periods() -> dict[str, int | None]:
    """The library's period per rule in days (its setting, else the rule's default). One query."""
    periods: dict[str, int | None] = {key: rule_days(rule) for key, rule in RULES.items()}
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
        dead_rows_clear_after_commit([model])
        entry = registry_entry_for(model)
        clears = entry.unlink_clears if entry is not None else {}
        return rows.update(**{target.member_field: None, **clears})
    if target.action is Action.DELETE:
        deleted, per_model = rows.delete()
        dead_rows_clear_after_commit([label for label, count in per_model.items() if count])
        return per_model.get(model._meta.label, 0)
    if target.action is Action.PURGE:
        from kaft.privacy.services.signups import signups_purge

        return signups_purge([int(str(pk)) for pk in pks])
    return _erase(rows)


def _erase(rows: models.QuerySet[models.Model]) -> int:
    """Erase members whose membership ended (one at a time: erasure spans every table)."""
    from kaft.core.errors import DomainError
    from kaft.privacy.services.erasure import ErasureReason, member_erase

    erased = 0
    for member in rows:
        assert isinstance(member, Member)
        try:
            member_erase(member=member, staff=None, reason=ErasureReason.RETENTION)
        except DomainError:
            continue  # something still stands in the way; tried again tomorrow
        erased += 1
    return erased


def retention_apply(
    *,
    now: dt.datetime | None = None,
    chunk_size: int | None = None,
    run: RetentionRun | None = None,
) -> RetentionRun:
    """Apply every retention rule once; record a :class:`RetentionRun` with counts per rule.

    ``run``: the run a privacy officer asked for (:mod:`.run_now`); without it a run is opened
    here, refused with ``RETENTION_RUNNING`` while another one runs. After each step (one
    table under a rule) the run's counts and ``steps_done`` are saved, so the desk can show
    how far it is. Idempotent: a second run finds nothing past its rule. Each chunk is its own
    transaction, so a long run holds no lock for long and a crash loses at most one chunk of
    work (the run is then left unfinished, and no longer running).
    """
    from kaft.privacy.services.retention.run_now import retention_run_start

    if run is None:
        run = retention_run_start(requested_by=None)
    try:
        return _apply_all(run, Moment(now or timezone.now()), chunk_size)
    finally:
        if run.running:  # stopped by an error: the next run may start
            RetentionRun.objects.filter(pk=run.pk).update(running=False)


def _step_done(run: RetentionRun, counts: dict[str, dict[str, int]]) -> None:
    run.counts = counts
    run.steps_done += 1
    run.save(update_fields=["counts", "steps_done", "steps_total"])


def _apply_all(run: RetentionRun, moment: Moment, chunk_size: int | None) -> RetentionRun:
    from kaft.privacy.services.erasure import erasure_requests_settle

    periods = retention_periods()
    counts: dict[str, dict[str, int]] = {}
    run.steps_total = len(TARGETS) + 2  # the tables, the waiting erasures, the mail/print files
    run.steps_done = 0
    with dead_rows_batch():  # every table the run changed is cleared once, at the end
        for target in TARGETS:
            done = 0
            for chunk in past_rows(target, moment=moment, periods=periods, chunk_size=chunk_size):
                with transaction.atomic():
                    done += _apply_chunk(target, [row.pk for row in chunk])
            counts.setdefault(target.rule, {})[target.model] = (
                counts.get(target.rule, {}).get(target.model, 0) + done
            )
            _step_done(run, counts)
        counts.setdefault("erasure_requests", {})["privacy.ErasureRequest"] = (
            erasure_requests_settle()
        )
        _step_done(run, counts)
    counts.setdefault(mail_files.RULE, {})[mail_files.LABEL] = mail_files.mail_files_prune(
        now=moment.now, days=periods.get(mail_files.RULE)
    )
    counts.setdefault(print_files.RULE, {})[print_files.LABEL] = print_files.print_files_prune(
        now=moment.now, days=periods.get(print_files.RULE)
    )
    run.counts = counts
    run.steps_done += 1
    run.finished_at = timezone.now()
    run.running = False
    run.save(update_fields=["counts", "steps_done", "finished_at", "running"])
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
    for past in mail_files.mail_files_past(now=moment.now, days=periods.get(mail_files.RULE)):
        yield OverdueRow(mail_files.LABEL, past.path.name, mail_files.RULE, moment.now - past.due)
    for printed in print_files.print_files_past(now=moment.now, days=periods.get(print_files.RULE)):
        yield OverdueRow(
            print_files.LABEL, printed.name, print_files.RULE, moment.now - printed.due
        )


def retention_overdue_counts(*, now: dt.datetime | None = None) -> dict[str, int]:
    """How many rows are past each rule now (for the desk page)."""
    counts: dict[str, int] = {}
    for row in retention_overdue(now=now):
        counts[row.rule] = counts.get(row.rule, 0) + 1
    return counts
