"""Finding, showing, registering and changing members at the desk.

Every look is logged with the parts shown: a result list (name and card number) as ``search``
for each member listed, the detail page and the edit form with what they show.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaft.circulation.selectors.holds import member_active_holds
from kaft.circulation.selectors.loans import member_open_loans
from kaft.desk.access import DeskRequest, desk_view, member_look, members_listed
from kaft.desk.forms import BlockForm, ContactForm, IdentityForm, RegistrationForm, SearchForm
from kaft.desk.views.common import desk_render, loans_with_fines
from kaft.desk.views.family import (
    GuardianAtRegistrationForm,
    GuardianRefused,
    NoteForm,
    guardian_link_from_form,
)
from kaft.desk.views.signups import signup_panel
from kaft.desk.words import member_standing
from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.models import Member
from kaft.members.selectors.duplicates import (
    SAME_ADDRESS,
    SAME_EMAIL,
    SAME_NAME_AND_BIRTH,
    LikelyDuplicate,
    member_likely_duplicates,
)
from kaft.members.selectors.family import member_notes
from kaft.members.selectors.member import member_search
from kaft.members.selectors.signup import signups_waiting
from kaft.members.services.cards import member_card_replace
from kaft.members.services.member import (
    member_block,
    member_register,
    member_unblock,
    member_update_contact,
    member_update_identity,
)
from kaft.privacy.models import AccessPurpose, DataPart

# What the detail page shows: name, card and date of birth; membership and block; contact
# details and addresses; loans; reservations. The edit form: all but loans and reservations.
DETAIL_PARTS = (
    DataPart.IDENTITY,
    DataPart.STATUS,
    DataPart.CONTACT,
    DataPart.LOANS,
    DataPart.HOLDS,
)
EDIT_PARTS = (DataPart.IDENTITY, DataPart.STATUS, DataPart.CONTACT)

# Which form field a refusal belongs to (the rest are shown above the form).
ERROR_FIELDS = {
    MemberErrorCode.CARD_IN_USE: "card_number",
    MemberErrorCode.CARD_NUMBER_INVALID: "card_number",
    MemberErrorCode.TOO_OLD_FOR_CATEGORY: "category",
    MemberErrorCode.TOO_YOUNG_FOR_CATEGORY: "category",
}


def _member(member_id: int) -> Member:
    return get_object_or_404(Member.objects.select_related("category", "home_branch"), pk=member_id)


def _refused(form: Form, error: MemberError | ValidationError, field: str | None) -> None:
    if isinstance(error, MemberError):
        field = ERROR_FIELDS.get(cast(MemberErrorCode, error.code))
        form.add_error(field if field in form.fields else None, error.message)
    else:
        form.add_error(field, error)


@desk_view
@require_GET
def member_list(request: HttpRequest) -> HttpResponse:
    """Search, or (``?signups=1``) the online sign-ups waiting for their ID check."""
    signups = request.GET.get("signups") == "1"
    form = SearchForm(None if signups else (request.GET or None))
    if signups:
        results: list[Member] | None = list(signups_waiting())
    else:
        results = list(member_search(form.cleaned_data["q"])) if form.is_valid() else None
    if results:
        # the sign-ups waiting are looked at to complete their registration
        purpose = AccessPurpose.REGISTRATION if signups else AccessPurpose.DESK
        members_listed(cast(DeskRequest, request), results, purpose=purpose)
    context = {"form": form, "results": results, "signups": signups}
    return desk_render(request, "desk/member_list.html", context)


@desk_view
@require_GET
def member_detail(request: HttpRequest, member_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    member = _member(member_id)
    notes = list(member_notes(member))
    loans = list(member_open_loans(member, with_via=True))
    standing = member_standing(member, timezone.localdate())
    money_shown = loans_with_fines(loans, member) or standing.kind == "owes"
    # Notes are logged as seen only when there are notes to see; money likewise.
    member_look(
        desk,
        member,
        DETAIL_PARTS
        + ((DataPart.NOTES,) if notes else ())
        + ((DataPart.PAYMENTS,) if money_shown else ()),
        purpose=AccessPurpose.DESK,
    )
    context: dict[str, Any] = {
        "notes": notes,
        "note_form": NoteForm(),
        "member": member,
        "addresses": list(member.addresses.order_by("kind")),
        "loans": loans,
        "holds": member_active_holds(member),
        "today": timezone.localdate(),
        "expired": member.is_expired_on(timezone.localdate()),
        "standing": standing,
        "block_form": BlockForm(),
        "signup": signup_panel(member, timezone.localdate()),
    }
    return desk_render(request, "desk/member_detail.html", context)


@desk_view
@require_http_methods(["GET", "POST"])
def member_new(request: HttpRequest) -> HttpResponse:
    desk = cast(DeskRequest, request)
    form = RegistrationForm(
        request.POST or None,
        initial={"home_branch": desk.staff_branch.pk, "preferred_language": "nl"},
    )
    guardian_form = GuardianAtRegistrationForm(request.POST or None, prefix="guardian")
    duplicates: list[LikelyDuplicate] = []
    if request.method == "POST" and form.is_valid() and guardian_form.is_valid():
        data = form.cleaned_data
        guardian_card = guardian_form.cleaned_data.get("card_number") or ""
        duplicates = _likely_duplicates(desk, form, known_cards=[guardian_card])
        if duplicates:
            context = {"form": form, "guardian_form": guardian_form, "duplicates": duplicates}
            context["duplicate_ids"] = ",".join(str(d.member.pk) for d in duplicates)
            return desk_render(request, "desk/member_new.html", context)
        try:
            with transaction.atomic():  # a refused parent or guardian registers nobody
                member = member_register(
                    first_name=data["first_name"],
                    name_prefix=data["name_prefix"],
                    last_name=data["last_name"],
                    date_of_birth=data["date_of_birth"],
                    email=data["email"],
                    phone=data["phone"],
                    category=data["category"],
                    home_branch=data["home_branch"],
                    home_address=form.home_address(),
                    postal_address=form.postal_address(),
                    preferred_language=data["preferred_language"],
                    email_receipt=data["email_receipt"],
                    card_number=data["card_number"] or None,
                    password=data["password"] or None,
                    membership_end=data["membership_end"],
                    staff=desk.user,
                )
                guardian_link_from_form(guardian_form, child=member, staff=desk.user)
        except GuardianRefused as error:
            guardian_form.add_error("card_number", error.message)
        except (MemberError, ValidationError) as error:
            _refused(form, error, "password")
        else:
            messages.success(
                request,
                _("%(name)s is registered with card number %(card)s.")
                % {"name": member.full_name, "card": member.card_number},
            )
            return redirect("desk:member_detail", member_id=member.pk)
    context = {"form": form, "guardian_form": guardian_form}
    return desk_render(request, "desk/member_new.html", context)


# What the duplicate warning shows of a match, by reason: always the name and card number; the
# date of birth or the contact details are shown too, in that the warning says they are the same.
DUPLICATE_PARTS = {
    SAME_NAME_AND_BIRTH: DataPart.IDENTITY,
    SAME_EMAIL: DataPart.CONTACT,
    SAME_ADDRESS: DataPart.CONTACT,
}


def _likely_duplicates(
    desk: DeskRequest, form: RegistrationForm, *, known_cards: list[str]
) -> list[LikelyDuplicate]:
    """The likely duplicates staff have not yet chosen to pass, all of them shown again when
    there is a new one; each shown match is a look (written to the access log). The parent or
    guardian the form links (``known_cards``) is no duplicate."""
    data = form.cleaned_data
    found = member_likely_duplicates(
        first_name=data["first_name"],
        last_name=data["last_name"],
        date_of_birth=data["date_of_birth"],
        email=data["email"],
        postcode=data["postcode"],
        house_number=data["house_number"],
        known_cards=known_cards,
    )
    if all(match.member.pk in data["duplicates_seen"] for match in found):
        return []
    for match in found:
        parts = [DataPart.SEARCH, *(DUPLICATE_PARTS[reason] for reason in match.reasons)]
        member_look(desk, match.member, dict.fromkeys(parts), purpose=AccessPurpose.REGISTRATION)
    return found


@desk_view
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, member_id: int) -> HttpResponse:
    """Two forms on one page: contact details, and identity (after an ID check)."""
    desk = cast(DeskRequest, request)
    member = _member(member_id)
    addresses = list(member.addresses.all())
    which = request.POST.get("form") if request.method == "POST" else None
    contact = ContactForm(
        request.POST if which == "contact" else None,
        initial=ContactForm.initial_from_contact(member, addresses),
        prefix="contact",
    )
    identity = IdentityForm(
        request.POST if which == "identity" else None,
        initial=IdentityForm.initial_from(member),
        prefix="identity",
    )
    if which == "contact" and contact.is_valid():
        data = contact.cleaned_data
        member_update_contact(
            member=member,
            email=data["email"],
            phone=data["phone"],
            home_address=contact.home_address(),
            postal_address=contact.postal_address(),
            preferred_language=data["preferred_language"],
            email_receipt=data["email_receipt"],
            staff=desk.user,
        )
        messages.success(request, _("The contact details are saved."))
        return redirect("desk:member_detail", member_id=member.pk)
    if which == "identity" and identity.is_valid():
        data = identity.cleaned_data
        try:
            member_update_identity(member=member, staff=desk.user, **data)
        except MemberError as error:
            _refused(identity, error, None)
        else:
            messages.success(request, _("The personal details are saved."))
            return redirect("desk:member_detail", member_id=member.pk)
    member_look(desk, member, EDIT_PARTS, purpose=AccessPurpose.REGISTRATION)
    context = {"member": member, "contact": contact, "identity": identity}
    return desk_render(request, "desk/member_edit.html", context)


@desk_view
@require_POST
def member_block_view(request: HttpRequest, member_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    member = _member(member_id)
    form = BlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for the block."))
    else:
        try:
            member_block(member=member, reason=form.cleaned_data["stored"], staff=desk.user)
        except MemberError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The membership is blocked."))
    return redirect("desk:member_detail", member_id=member.pk)


@desk_view
@require_POST
def member_unblock_view(request: HttpRequest, member_id: int) -> HttpResponse:
    desk = cast(DeskRequest, request)
    member = _member(member_id)
    try:
        member_unblock(member=member, staff=desk.user)
    except MemberError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The block is lifted."))
    return redirect("desk:member_detail", member_id=member.pk)


@desk_view
@require_POST
def member_card_view(request: HttpRequest, member_id: int) -> HttpResponse:
    """A new card for the member (lost, stolen, worn out): the scanned number, or one Kaft makes
    up. The old card stops working at once."""
    desk = cast(DeskRequest, request)
    member = _member(member_id)
    try:
        changed = member_card_replace(
            member=member, staff=desk.user, card_number=request.POST.get("card_number", "")
        )
    except MemberError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("New card: %(number)s. The old card no longer works.")
            % {"number": changed.card_number},
        )
    return redirect("desk:member_detail", member_id=member.pk)
