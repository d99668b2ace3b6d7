"""The desk's daily print run: every letter waiting to be printed, gathered into one PDF.

1. :func:`print_run_start` (staff press the button) takes every letter waiting (pending, channel
   letter; yesterday's unprinted ones too) into a new run and schedules :func:`print_run_build`
   after commit (a Celery task; in-process with the eager default).
2. :func:`print_run_build` renders the letters in chunks of :data:`CHUNK_SIZE`, reading each
   member's name and postal address from the live rows (the notice holds neither), writes the
   progress (``done``) after every chunk, and saves the PDF through ``storages["files"]`` (local
   ``var/files`` or S3, so any web server can hand it out). A letter whose member has no address
   any more is refused (``no_address``) and left out.
3. Staff download the PDF, print it, and confirm the run (:func:`print_run_confirm`): only then do
   its letters count as sent. Downloading alone changes nothing: a download is not a printed
   letter, and a failed printer must not leave letters marked as sent.

A letter belongs to the newest run that gathered it: a run started again (after a failed build,
or when the first was never printed) takes its letters over; confirming the older run then
sends only the letters still in it. The PDF is deleted after the ``print_runs`` rule's period by the
retention job (it holds names and addresses).
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from kaft.members.models import Channel, User
from kaft.members.selectors.member import letter_addresses
from kaft.notices.errors import NoticeError, NoticeErrorCode
from kaft.notices.letters_pdf import Letter, LetterPdf, address_lines
from kaft.notices.lifecycle import NoticeAction, letters_apply_printed, notice_apply
from kaft.notices.models import Notice, NoticeProblem, NoticeStatus, PrintRun, PrintRunStatus

logger = logging.getLogger(__name__)

CHUNK_SIZE = 100
FOLDER = "letters"


def letters_waiting() -> list[Notice]:
    """Letters waiting to be printed, oldest first (no member data: type, language, date)."""
    return list(
        Notice.objects.filter(channel=Channel.LETTER, status=NoticeStatus.PENDING)
        .order_by("created_at", "pk")
        .only("pk", "message_type", "language", "created_at", "subject", "print_run_id")
    )


def print_run_start(*, staff: User | None, now: dt.datetime | None = None) -> PrintRun:
    """Gather every waiting letter into a new run and build its PDF after commit.

    Refused with NO_LETTERS when nothing waits and PRINT_RUN_BUSY while another run is being
    made. Locks the waiting letters (``select_for_update``) so that two runs started at the same
    moment do not both take them."""
    now = now or timezone.now()
    with transaction.atomic():
        if PrintRun.objects.filter(status=PrintRunStatus.BUILDING).exists():
            raise NoticeError(NoticeErrorCode.PRINT_RUN_BUSY)
        ids = list(
            Notice.objects.select_for_update()
            .filter(channel=Channel.LETTER, status=NoticeStatus.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not ids:
            raise NoticeError(NoticeErrorCode.NO_LETTERS)
        run = PrintRun.objects.create(created_at=now, created_by=staff, total=len(ids))
        for start in range(0, len(ids), 500):
            Notice.objects.filter(pk__in=ids[start : start + 500]).update(print_run=run)
        from kaft.notices.tasks import build_print_run

        transaction.on_commit(partial(build_print_run.delay, run.pk))
    return run


def print_run_build(*, run_id: int, chunk_size: int = CHUNK_SIZE) -> PrintRun | None:
    """Render the run's letters into one PDF, chunk by chunk, and store it. Safe to call twice:
    a run that is no longer being made is left as it is. Call it outside a transaction (each
    chunk's progress is committed so the desk sees it)."""
    run = PrintRun.objects.filter(pk=run_id).first()
    if run is None or run.status != PrintRunStatus.BUILDING:
        return run
    try:
        pdf = LetterPdf()
        ids = list(
            Notice.objects.filter(print_run=run, status=NoticeStatus.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        printed = 0
        for start in range(0, len(ids), chunk_size):
            printed += _render_chunk(
                pdf,
                ids[start : start + chunk_size],
                day=timezone.localdate(run.created_at),  # the letters are dated the run's day
                now=timezone.now(),
            )
            PrintRun.objects.filter(pk=run.pk).update(done=min(start + chunk_size, len(ids)))
        name = f"{FOLDER}/{timezone.localdate(run.created_at):%Y-%m-%d}-run-{run.pk}.pdf"
        stored = storages["files"].save(name, ContentFile(bytes(pdf.output())))
    except Exception:
        logger.exception("print run %s could not be made", run.pk)
        PrintRun.objects.filter(pk=run.pk).update(status=PrintRunStatus.FAILED)
        run.refresh_from_db()
        return run
    PrintRun.objects.filter(pk=run.pk, status=PrintRunStatus.BUILDING).update(
        status=PrintRunStatus.READY, file=stored, total=printed, done=printed
    )
    run.refresh_from_db()
    return run


def _render_chunk(pdf: LetterPdf, ids: list[int], *, day: dt.date, now: dt.datetime) -> int:
    """Add the pages of these letters; two queries (letters with members, their addresses)."""
    notices = list(
        Notice.objects.filter(pk__in=ids, status=NoticeStatus.PENDING)
        .select_related("member")
        .order_by("pk")
    )
    addresses = letter_addresses([n.member_id for n in notices if n.member_id])
    printed = 0
    for notice in notices:
        address = addresses.get(notice.member_id) if notice.member_id else None
        if notice.member is None or address is None:
            notice_apply(notice, NoticeAction.REFUSE, now=now, problem=NoticeProblem.NO_ADDRESS)
            Notice.objects.filter(pk=notice.pk).update(print_run=None)
            continue
        pdf.letter(
            Letter(
                name=notice.member.full_name,
                address_lines=address_lines(
                    street=address.street,
                    house_number=address.house_number,
                    postcode=address.postcode,
                    city=address.city,
                    country=address.country,
                ),
                language=notice.language,
                subject=notice.subject,
                body=notice.body,
                day=day,
            )
        )
        printed += 1
    return printed


def print_run_confirm(*, run: PrintRun, staff: User | None, now: dt.datetime | None = None) -> int:
    """Staff say the run's PDF was printed: its letters become sent (the ``print`` move).

    Refused with PRINT_RUN_NOT_READY unless the run is ready. A conditional UPDATE on the run
    makes a second confirm a refusal, not a second send. Returns how many letters were sent."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = PrintRun.objects.filter(pk=run.pk, status=PrintRunStatus.READY).update(
            status=PrintRunStatus.CONFIRMED, confirmed_at=now, confirmed_by=staff
        )
        if not claimed:
            raise NoticeError(NoticeErrorCode.PRINT_RUN_NOT_READY)
        ids = list(
            Notice.objects.filter(print_run=run, channel=Channel.LETTER).values_list(
                "pk", flat=True
            )
        )
        sent = letters_apply_printed(letter_ids=ids, now=now)
    run.refresh_from_db()
    return sent
