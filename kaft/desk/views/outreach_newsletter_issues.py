"""Newsletter issues at the desk (*Nieuwsbrieven*): the list with each issue's status and
results, writing and changing a draft with its preview and images, a test to oneself, the
audience, scheduling or sending now, cancelling a scheduled issue.

Administrators only: an issue goes to every subscriber at once. The screens show no subscriber:
counts only (no member's data, so nothing to write to the access log). Every change is a
service of :mod:`kaft.outreach.services.newsletter_issues`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaft.catalog.models import Branch
from kaft.core import params
from kaft.core.errors import DomainError
from kaft.desk.access import DeskRequest, desk_view
from kaft.desk.views.common import desk_render
from kaft.members.models import StaffRole
from kaft.outreach.models import IssueAudience, IssueStatus, NewsletterImage, NewsletterIssue
from kaft.outreach.selectors.newsletter_audience import interests_available, issue_audience_count
from kaft.outreach.selectors.newsletter_issues import issue_results, issues_for_desk
from kaft.outreach.services.newsletter_issues import (
    image_size_check,
    image_url,
    issue_cancel,
    issue_create,
    issue_discard,
    issue_image_add,
    issue_image_remove,
    issue_preview,
    issue_schedule,
    issue_send_now,
    issue_send_test,
    issue_update,
)

EDITORS = (StaffRole.ADMINISTRATOR,)
BODY_MAX = 50_000


def _interest_choices() -> list[tuple[str, str]]:
    if not interests_available():
        return []
    from django.apps import apps

    interests = apps.get_model("outreach", "Interest")
    return [(row.code, str(row)) for row in interests.objects.filter(active=True)]


class IssueForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    body = forms.CharField(
        label=gettext_lazy("Text (Markdown)"),
        max_length=BODY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 18}),
    )
    audience = forms.ChoiceField(
        label=gettext_lazy("Audience"), choices=IssueAudience.choices, initial=IssueAudience.ALL
    )
    audience_branch = params.ModelChoiceField(
        label=gettext_lazy("Branch"), queryset=Branch.objects.order_by("name"), required=False
    )
    audience_interest = forms.ChoiceField(
        label=gettext_lazy("Interest"), choices=[], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["audience_interest"])
        field.choices = [("", "—"), *_interest_choices()]


class ImageForm(forms.Form):
    image = forms.FileField(label=gettext_lazy("Image (PNG, JPEG or GIF)"))
    alt = forms.CharField(
        label=gettext_lazy("Description for screen readers"), max_length=200, required=False
    )


class ScheduleForm(forms.Form):
    date = params.DateField(label=gettext_lazy("Date"))
    time = forms.TimeField(
        label=gettext_lazy("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def moment(self) -> dt.datetime:
        return timezone.make_aware(
            dt.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])
        )


def _issue_or_404(issue_id: int) -> NewsletterIssue:
    return get_object_or_404(NewsletterIssue, pk=params.id_or_404(issue_id))


@desk_view(roles=EDITORS)
@require_GET
def issues(request: HttpRequest) -> HttpResponse:
    return desk_render(
        request,
        "desk/outreach/newsletter_issues_list.html",
        {"issues": list(issues_for_desk()[:200])},
    )


@desk_view(roles=EDITORS)
@never_cache
@require_http_methods(["GET", "POST"])
def issue_new(request: HttpRequest) -> HttpResponse:
    desk = cast(DeskRequest, request)
    form = IssueForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                # One write, after every check: a refused audience leaves no draft behind.
                created = issue_create(
                    staff=desk.user,
                    subject=data["subject"],
                    body=data["body"],
                    audience=data["audience"],
                    audience_branch=data["audience_branch"],
                    audience_interest=data["audience_interest"] or "",
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The draft is saved."))
                return redirect("desk:newsletter_issue", newsletter_issue_id=created.pk)
        return desk_render(
            request, "desk/outreach/newsletter_issues_form.html", {"form": form}, 400
        )
    return desk_render(request, "desk/outreach/newsletter_issues_form.html", {"form": form})


def _save(issue: NewsletterIssue, form: IssueForm) -> NewsletterIssue:
    data = form.cleaned_data
    return issue_update(
        issue=issue,
        subject=data["subject"],
        body=data["body"],
        audience=data["audience"],
        audience_branch=data["audience_branch"],
        audience_interest=data["audience_interest"] or "",
    )


def _page(
    request: HttpRequest,
    found: NewsletterIssue,
    *,
    form: IssueForm | None = None,
    schedule_form: ScheduleForm | None = None,
    status: int = 200,
) -> HttpResponse:
    draft = found.status == IssueStatus.DRAFT
    if form is None and draft:
        form = IssueForm(
            initial={
                "subject": found.subject,
                "body": found.body,
                "audience": found.audience,
                "audience_branch": found.audience_branch_id,
                "audience_interest": found.audience_interest,
            }
        )
    audience_problem = ""
    try:
        audience_count: int | None = issue_audience_count(found)
    except DomainError as error:
        audience_count = None
        audience_problem = error.message
    images = [(image, image_url(image)) for image in found.images.all()]
    context = {
        "issue": found,
        "draft": draft,
        "form": form,
        "image_form": ImageForm(),
        "schedule_form": schedule_form or ScheduleForm(),
        "images": images,
        "preview": issue_preview(found),
        "results": issue_results(found),
        "audience_count": audience_count,
        # A draft that still has its moment: the beat job could not send it then (its
        # audience was refused) and put it back (kaft/outreach/services/newsletter_sending.py).
        "not_sent": draft and found.scheduled_for is not None,
        "audience_problem": audience_problem,
    }
    return desk_render(request, "desk/outreach/newsletter_issues_detail.html", context, status)


@desk_view(roles=EDITORS)
@never_cache
@require_http_methods(["GET", "POST"])
def issue(request: HttpRequest, newsletter_issue_id: int) -> HttpResponse:
    found = _issue_or_404(newsletter_issue_id)
    if request.method == "POST":
        form = IssueForm(request.POST)
        if form.is_valid():
            try:
                _save(found, form)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The draft is saved."))
                return redirect("desk:newsletter_issue", newsletter_issue_id=found.pk)
        return _page(request, found, form=form, status=400)
    return _page(request, found)


@desk_view(roles=EDITORS)
@require_POST
def issue_image_upload(request: HttpRequest, newsletter_issue_id: int) -> HttpResponse:
    """Add an image; a refusal (no file, not PNG/JPEG/GIF, too large) is shown as a message."""
    found = _issue_or_404(newsletter_issue_id)
    form = ImageForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an image file (PNG, JPEG or GIF)."))
        return redirect("desk:newsletter_issue", newsletter_issue_id=found.pk)
    upload = form.cleaned_data["image"]
    try:
        # The declared size first: a file over the limit is refused without reading it.
        image_size_check(size=int(upload.size or 0))
        issue_image_add(
            issue=found,
            name=str(upload.name or ""),
            data=upload.read(),
            alt=form.cleaned_data["alt"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The image is added. Copy its line into the text."))
    return redirect("desk:newsletter_issue", newsletter_issue_id=found.pk)


@desk_view(roles=EDITORS)
@require_POST
def issue_image_delete(
    request: HttpRequest, newsletter_issue_id: int, newsletter_image_id: int
) -> HttpResponse:
    image = get_object_or_404(
        NewsletterImage,
        pk=params.id_or_404(newsletter_image_id),
        issue_id=params.id_or_404(newsletter_issue_id),
    )
    try:
        issue_image_remove(image=image)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The image is removed."))
    return redirect("desk:newsletter_issue", newsletter_issue_id=newsletter_issue_id)


@desk_view(roles=EDITORS)
@require_POST
def issue_test(request: HttpRequest, newsletter_issue_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    found = _issue_or_404(newsletter_issue_id)
    try:
        address = issue_send_test(issue=found, staff=desk.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("A test was sent to %(address)s.") % {"address": address})
    return redirect("desk:newsletter_issue", newsletter_issue_id=found.pk)


@desk_view(roles=EDITORS)
@require_POST
def issue_send(request: HttpRequest, newsletter_issue_id: int) -> HttpResponse:
    """Schedule at the chosen moment, or (``now``) send at once."""
    found = _issue_or_404(newsletter_issue_id)
    schedule_form = ScheduleForm(request.POST)
    try:
        if request.POST.get("now"):
            issue_send_now(issue=found)
            messages.success(request, _("The issue is being sent."))
        elif schedule_form.is_valid():
            issue_schedule(issue=found, send_at=schedule_form.moment())
            messages.success(request, _("The issue is scheduled."))
        else:
            return _page(request, found, schedule_form=schedule_form, status=400)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("desk:newsletter_issue", newsletter_issue_id=found.pk)


@desk_view(roles=EDITORS)
@require_POST
def issue_stop(request: HttpRequest, newsletter_issue_id: int) -> HttpResponse:
    """Cancel a scheduled issue (a draft again), or put a draft aside (``discard``)."""
    found = _issue_or_404(newsletter_issue_id)
    try:
        if request.POST.get("discard"):
            issue_discard(issue=found)
            messages.success(request, _("The draft is put aside."))
        else:
            issue_cancel(issue=found)
            messages.success(request, _("Sending is cancelled: the issue is a draft again."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("desk:newsletter_issue", newsletter_issue_id=found.pk)
