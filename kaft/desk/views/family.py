"""Staff notes on a member (always with an expiry) and parents or guardians of a child.

Every page here shows member data and logs it through :func:`member_look`: the notes page
``identity`` and ``notes``; the guardians page ``identity`` of the member and of each linked
member it names.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from kaft.core import params
from kaft.desk.access import DeskRequest, desk_view, member_look
from kaft.desk.forms import DateInput
from kaft.desk.views.common import desk_render
from kaft.members.cards import CARD_NUMBER_MAX_LENGTH, validate_card_number
from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.models import GuardianCheck, GuardianLink, Member, MemberNote, User
from kaft.members.selectors.family import member_guardian_links, member_notes
from kaft.members.services.family import guardian_link, guardian_unlink
from kaft.members.services.notes import (
    note_add,
    note_delete,
    note_expiry_default,
    note_expiry_latest,
)
from kaft.privacy.models import AccessPurpose, DataPart

NOTES_PARTS = (DataPart.IDENTITY, DataPart.NOTES)
GUARDIAN_PARTS = (DataPart.IDENTITY,)
# Linking a parent or guardian is part of registering the child.
GUARDIAN_PURPOSE = AccessPurpose.REGISTRATION


class NoteForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Only what staff need to know to help this member. The member can read it."
        ),
    )
    expires_on = params.DateField(
        label=gettext_lazy("Delete on"), required=False, widget=DateInput()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        field = self.fields["expires_on"]
        field.initial = note_expiry_default(today)
        field.help_text = _("At most %(days)d days from today (%(date)s).") % {
            "days": settings.KAFT_NOTE_MAX_DAYS,
            "date": note_expiry_latest(today).isoformat(),
        }
        field.widget.attrs.update(
            {"min": today.isoformat(), "max": note_expiry_latest(today).isoformat()}
        )


class GuardianForm(forms.Form):
    """A parent or guardian for a child, and what staff checked."""

    card_number = forms.CharField(
        label=gettext_lazy("Card number of the parent or guardian"),
        max_length=CARD_NUMBER_MAX_LENGTH,
        validators=[validate_card_number],
    )
    checked = forms.ChoiceField(
        label=gettext_lazy("What was checked"), choices=GuardianCheck.choices
    )
    note = forms.CharField(
        label=gettext_lazy("Note on the check"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("No document numbers."),
    )


class GuardianAtRegistrationForm(GuardianForm):
    """The same, optional, on the registration form (for a child under 16)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["card_number"].required = False
        self.fields["checked"].required = False
        cast(forms.ChoiceField, self.fields["checked"]).choices = [
            ("", "—"),
            *GuardianCheck.choices,
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("card_number") and not data.get("checked"):
            self.add_error("checked", _("Say what you checked."))
        return data


class GuardianRefused(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def guardian_link_from_form(form: GuardianForm, *, child: Member, staff: User) -> bool:
    """Link the guardian the (valid) form names to ``child``; False when the form names none.

    Raises :class:`GuardianRefused` with the reason; call it inside the caller's transaction.
    """
    data = form.cleaned_data
    card = (data.get("card_number") or "").strip()
    if not card:
        return False
    guardian = Member.objects.filter(card_number=card).first()
    try:
        if guardian is None:
            raise MemberError(MemberErrorCode.UNKNOWN_CARD)
        guardian_link(
            child=child, guardian=guardian, checked=data["checked"], note=data["note"], staff=staff
        )
    except MemberError as error:
        raise GuardianRefused(error.message) from error
    return True


def _member(member_id: int) -> Member:
    return get_object_or_404(Member, pk=member_id)


# --- notes ----------------------------------------------------------------------------------


@desk_view
@require_http_methods(["GET", "POST"])
def member_notes_view(request: HttpRequest, member_id: int) -> HttpResponse:
    """The member's notes that have not expired, and adding one."""
    desk = cast(DeskRequest, request)
    member = _member(member_id)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            note_add(
                member=member,
                text=form.cleaned_data["text"],
                expires_on=form.cleaned_data["expires_on"],
                staff=desk.user,
            )
        except MemberError as error:
            field = "text" if error.code == MemberErrorCode.NOTE_EMPTY else "expires_on"
            form.add_error(field, error.message)
        else:
            messages.success(request, _("The note is saved."))
            return redirect("desk:member_detail", member_id=member.pk)
    member_look(desk, member, NOTES_PARTS, purpose=AccessPurpose.DESK)
    context = {"member": member, "notes": list(member_notes(member)), "note_form": form}
    return desk_render(request, "desk/notes.html", context)


@desk_view
@require_POST
def member_note_delete(request: HttpRequest, member_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    member = _member(member_id)
    note_id = params.id_from(request.POST.get("note"))
    note = MemberNote.objects.filter(pk=note_id, member=member).first() if note_id else None
    if note is None:
        messages.error(request, _("This note no longer exists."))
    else:
        note_delete(note=note, staff=desk.user)
        messages.success(request, _("The note is deleted."))
    return redirect("desk:member_notes", member_id=member.pk)


# --- parents and guardians ------------------------------------------------------------------


@desk_view
@require_http_methods(["GET", "POST"])
def member_guardians(request: HttpRequest, member_id: int) -> HttpResponse:
    """The member's parents or guardians and children; recording a parent or guardian."""
    desk = cast(DeskRequest, request)
    member = _member(member_id)
    form = GuardianForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            guardian_link_from_form(form, child=member, staff=desk.user)
        except GuardianRefused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The parent or guardian is recorded."))
            return redirect("desk:member_guardians", member_id=member.pk)
    guardians, wards = member_guardian_links(member)
    member_look(desk, member, GUARDIAN_PARTS, purpose=GUARDIAN_PURPOSE)
    for link in guardians:
        if link.guardian is not None:
            member_look(desk, link.guardian, GUARDIAN_PARTS, purpose=GUARDIAN_PURPOSE)
    for link in wards:
        member_look(desk, link.child, GUARDIAN_PARTS, purpose=GUARDIAN_PURPOSE)
    today = timezone.localdate()
    context = {
        "member": member,
        "guardians": guardians,
        "wards": wards,
        "form": form,
        "age": member.age_on(today) if member.date_of_birth else None,
    }
    return desk_render(request, "desk/guardians.html", context)


@desk_view
@require_POST
def member_guardian_end(request: HttpRequest, member_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    member = _member(member_id)
    link_id = params.id_from(request.POST.get("link"))
    link = (
        GuardianLink.objects.filter(Q(child=member) | Q(guardian=member), pk=link_id).first()
        if link_id
        else None
    )
    try:
        if link is None:
            raise MemberError(MemberErrorCode.GUARDIAN_NOT_LINKED)
        guardian_unlink(link=link, staff=desk.user)
    except MemberError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The parent or guardian link has ended."))
    return redirect("desk:member_guardians", member_id=member.pk)
