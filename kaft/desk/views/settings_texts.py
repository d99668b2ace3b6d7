"""The library's own words at the desk, for administrators: its details (name, address,
contact, logo) as pages and letters show them, and the message texts it writes instead of
Kaft's own, previewed for a made-up member first.

The rules are the domains' (``kaft/core/library.py``, ``kaft/notices/texts.py``); these screens
ask and show. No member's data.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaft.core.library import FIELDS as LIBRARY_FIELDS
from kaft.core.library import LibraryError, library, library_profile_save
from kaft.desk.access import DeskRequest, desk_view
from kaft.desk.views.common import desk_render
from kaft.desk.views.library_settings import ADMINISTRATORS
from kaft.members.models import Channel
from kaft.notices.errors import NoticeError
from kaft.notices.models import MessageText
from kaft.notices.sms_text import sms_parts
from kaft.notices.texts import (
    LANGUAGES,
    kind_of,
    kinds,
    known_placeholders,
    message_previews,
    message_text_remove,
    message_text_save,
)


class LibraryForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the library"), max_length=120)
    street = forms.CharField(
        label=gettext_lazy("Street and number"), max_length=120, required=False
    )
    postcode = forms.CharField(label=gettext_lazy("Postcode"), max_length=10, required=False)
    city = forms.CharField(label=gettext_lazy("Place"), max_length=80, required=False)
    phone = forms.CharField(label=gettext_lazy("Phone number"), max_length=20, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail address"), required=False)
    website = forms.URLField(label=gettext_lazy("Website"), required=False, assume_scheme="https")
    logo = forms.FileField(
        label=gettext_lazy("Logo (PNG or JPEG, at most 512 KB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label=gettext_lazy("Remove the logo"), required=False)


@desk_view(roles=ADMINISTRATORS)
@require_http_methods(["GET", "POST"])
def settings_library(request: HttpRequest) -> HttpResponse:
    """The library's name, address, contact details and logo, as pages and letters show them."""
    desk = cast(DeskRequest, request)
    current = library()
    form = LibraryForm(
        request.POST or None,
        request.FILES or None,
        initial={field: getattr(current, field) for field in LIBRARY_FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["logo"]
        try:
            library_profile_save(
                values={field: form.cleaned_data[field] for field in LIBRARY_FIELDS},
                logo=upload.read() if upload else None,
                remove_logo=form.cleaned_data["remove_logo"],
                staff=desk.user,
            )
        except LibraryError as error:
            form.add_error("logo" if upload else "name", error.message)
        else:
            messages.success(request, _("The library's details are saved."))
            return redirect("desk:settings_library")
    return desk_render(
        request,
        "desk/settings_library.html",
        {"form": form, "current": library()},
        status=400 if form.errors else 200,
    )


@desk_view(roles=ADMINISTRATORS)
@require_GET
def settings_messages(request: HttpRequest) -> HttpResponse:
    """Every message, by channel and language: Kaft's text or the library's own."""
    own = set(MessageText.objects.values_list("template", "channel", "language"))
    rows = [
        {
            "kind": kind,
            "texts": [
                (channel, Channel(channel).label, code, name, (kind.template, channel, code) in own)
                for channel in kind.channels
                for code, name in LANGUAGES
            ],
        }
        for kind in kinds()
    ]
    return desk_render(request, "desk/settings_messages.html", {"rows": rows})


class MessageTextForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    body = forms.CharField(
        label=gettext_lazy("Text"), max_length=5000, widget=forms.Textarea(attrs={"rows": 16})
    )


@desk_view(roles=ADMINISTRATORS)
@require_http_methods(["GET", "POST"])
def settings_message(
    request: HttpRequest, template: str, channel: str, language: str
) -> HttpResponse:
    """One message's text by one channel in one language: write the library's own (with a
    preview for a made-up member first), or go back to Kaft's."""
    desk = cast(DeskRequest, request)
    kind = kind_of(template, channel, language)
    if kind is None:
        raise Http404
    row = MessageText.objects.filter(template=template, channel=channel, language=language).first()
    initial = {"subject": row.subject, "body": row.body} if row else {}
    form = MessageTextForm(request.POST or None, initial=initial)
    previews: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        subject, body = form.cleaned_data["subject"], form.cleaned_data["body"]
        try:
            if "save" in request.POST:
                message_text_save(
                    kind=kind,
                    channel=channel,
                    language=language,
                    subject=subject,
                    body=body,
                    staff=desk.user,
                )
                messages.success(request, _("The text is saved; it is used from now on."))
                return redirect("desk:settings_message", template, channel, language)
            previews = message_previews(
                kind=kind, channel=channel, language=language, subject=subject, body=body
            )
        except NoticeError as error:
            form.add_error("body", error.message)
    if not previews and not form.errors:
        previews = message_previews(kind=kind, channel=channel, language=language)
    context = {
        "kind": kind,
        "channel": channel,
        "channel_label": Channel(channel).label,
        "language": language,
        "language_label": dict(LANGUAGES)[language],
        "own": row is not None,
        "form": form,
        "previews": [
            (subject, body, sms_parts(body) if channel == Channel.SMS else 0)
            for subject, body in previews
        ],
        "placeholders": known_placeholders(kind.template),
        "placeholder_help": _(
            "Write a placeholder with double braces, e.g. {{ title }}, and a date the European "
            "way: {{ due_date|date:'d-m-Y' }}. Of the template tags, only if, for and with may be "
            "used."
        ),
        "previewing": request.method == "POST",
    }
    return desk_render(
        request, "desk/settings_message.html", context, status=400 if form.errors else 200
    )


@desk_view(roles=ADMINISTRATORS)
@require_POST
def settings_message_remove(
    request: HttpRequest, template: str, channel: str, language: str
) -> HttpResponse:
    desk = cast(DeskRequest, request)
    kind = kind_of(template, channel, language)
    if kind is None:
        raise Http404
    if message_text_remove(kind=kind, channel=channel, language=language, staff=desk.user):
        messages.success(request, _("Kaft's own text is used again."))
    return redirect("desk:settings_message", template, channel, language)
