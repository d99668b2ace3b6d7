"""The daily print run of letters at the desk.

The page lists the letters waiting to be printed by what they are (type of message, language,
since when): no names or addresses, so the page writes no access-log entry. Staff start a print
run; its PDF is made by a task, chunk by chunk, while the page shows the progress (a static
script asks for the page again; without it, a link does). The PDF holds every letter's name and
postal address: downloading it writes one access-log entry per member in it (name and contact
details, purpose "printing letters for the post"). The letters count as sent only when staff
confirm that the run was printed (:func:`kaft.notices.services.letters.print_run_confirm`).
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.files.storage import storages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kaft.core import params
from kaft.desk.access import DeskRequest, desk_view, members_listed
from kaft.desk.views.common import desk_render
from kaft.members.models import Member
from kaft.notices.errors import NoticeError
from kaft.notices.models import Notice, PrintRun, PrintRunStatus
from kaft.notices.services.letters import letters_waiting, print_run_confirm, print_run_start
from kaft.privacy.models import AccessPurpose, DataPart

RUNS_SHOWN = 10
PDF_PARTS = (DataPart.IDENTITY, DataPart.CONTACT)  # the name and the postal address


@desk_view
@require_GET
def letters_page(request: HttpRequest) -> HttpResponse:
    waiting = letters_waiting()
    by_type: dict[str, int] = {}
    for letter in waiting:
        label = letter.get_message_type_display()
        by_type[label] = by_type.get(label, 0) + 1
    runs = list(
        PrintRun.objects.select_related("created_by__staff_profile", "confirmed_by__staff_profile")
        .annotate(letter_count=Count("letters"))
        .order_by("-created_at", "-pk")[:RUNS_SHOWN]
    )
    current = next((run for run in runs if run.status == PrintRunStatus.BUILDING), None)
    response = desk_render(
        request,
        "desk/letters.html",
        {
            "waiting": waiting,
            "by_type": sorted(by_type.items()),
            "runs": runs,
            "current": current,
        },
    )
    add_never_cache_headers(response)
    return response


@desk_view
@require_POST
def print_run_new(request: HttpRequest) -> HttpResponse:
    desk = cast(DeskRequest, request)
    try:
        run = print_run_start(staff=desk.user)  # type: ignore[arg-type]
    except NoticeError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("The print run of %(count)s letters has started.") % {"count": run.total},
        )
    return redirect("desk:letters")


@desk_view
@require_GET
def print_run_pdf(request: HttpRequest) -> HttpResponse:
    """The run's PDF from ``storages["files"]``; a look at the name and address of every member
    in it."""
    desk = cast(DeskRequest, request)
    run_id = params.id_from(request.GET.get("run"))
    run = PrintRun.objects.filter(pk=run_id).first() if run_id else None
    if run is None or run.status not in (PrintRunStatus.READY, PrintRunStatus.CONFIRMED):
        raise Http404
    store = storages["files"]
    if not run.file or not store.exists(run.file):
        messages.error(
            request,
            _("The PDF of this print run has been deleted: it is kept only for a few days."),
        )
        return redirect("desk:letters")
    member_ids = Notice.objects.filter(print_run=run, member__isnull=False).values("member_id")
    members = list(Member.objects.filter(pk__in=member_ids).order_by("pk"))
    members_listed(desk, members, purpose=AccessPurpose.LETTERS, parts=PDF_PARTS)
    day = run.created_at.strftime("%Y-%m-%d")
    with store.open(run.file, "rb") as stored:  # a few MB at most: one day's letters
        response = HttpResponse(stored.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="brieven-{day}-{run.pk}.pdf"'

    add_never_cache_headers(response)
    return response


@desk_view
@require_POST
def print_run_printed(request: HttpRequest) -> HttpResponse:
    desk = cast(DeskRequest, request)
    run_id = params.id_from(request.POST.get("run"))
    run = PrintRun.objects.filter(pk=run_id).first() if run_id else None
    if run is None:
        raise Http404
    try:
        sent = print_run_confirm(run=run, staff=desk.user)  # type: ignore[arg-type]
    except NoticeError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, _("%(count)s letters are now recorded as sent.") % {"count": sent}
        )
    return redirect("desk:letters")
