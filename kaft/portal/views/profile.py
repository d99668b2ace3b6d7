"""MijnBibliotheek: personal details (view and change) and the password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kaft.core.errors import DomainError
from kaft.members.errors import MemberError, MemberErrorCode
from kaft.members.models import CHANNEL_CHOICE_TYPES, AddressKind, Channel, Member
from kaft.members.services.account import email_change_pending
from kaft.members.services.member import member_change_password, member_update_contact
from kaft.portal.access import PortalRequest, member_required
from kaft.portal.forms import ContactForm, PasswordForm
from kaft.portal.views.common import render_portal


def _member_with_details(member: Member) -> Member:
    return (
        Member.objects.select_related("category", "home_branch")
        .prefetch_related("addresses", "message_preferences")
        .get(pk=member.pk)
    )


@member_required
def profile(request: PortalRequest) -> HttpResponse:
    member = _member_with_details(request.member)
    addresses = {address.kind: address for address in member.addresses.all()}
    chosen = {p.message_type: p.channel for p in member.message_preferences.all()}
    channels = [
        (label, Channel(chosen.get(message_type, Channel.EMAIL)).label)
        for message_type, label in ((t.value, t.label) for t in CHANNEL_CHOICE_TYPES)
    ]
    context = {
        "member": member,
        "home_address": addresses.get(AddressKind.HOME),
        "postal_address": addresses.get(AddressKind.POSTAL),
        "channels": channels,
        "email_pending": email_change_pending(member),
        "section": "profile",
    }
    return render_portal(request, "portal/profile.html", context)


@member_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: PortalRequest) -> HttpResponse:
    member = _member_with_details(request.member)
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            try:
                member_update_contact(
                    member=member,
                    phone=form.cleaned_data["phone"],
                    home_address=form.address("home"),
                    postal_address=form.address("postal"),
                    keep_postal=False,
                    preferred_language=form.cleaned_data["preferred_language"],
                    message_channels=form.message_channels(),
                    email_receipt=form.cleaned_data["email_receipt"],
                    sms_titles=form.cleaned_data["sms_titles"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your details have been saved."))
                return redirect("portal:profile")
    else:
        form = ContactForm(initial=ContactForm.initial_for(member))
    context = {"form": form, "member": member, "section": "profile"}
    status = 400 if form.errors else 200
    return render_portal(request, "portal/profile_edit.html", context, status=status)


@member_required
@require_http_methods(["GET", "POST"])
def password_change(request: PortalRequest) -> HttpResponse:
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member_change_password(
                member=request.member,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except MemberError as error:
            field = "current_password" if error.code == MemberErrorCode.WRONG_PASSWORD else None
            form.add_error(field, error.message)
        except ValidationError as error:
            form.add_error("new_password", error)
        else:
            assert request.member.user is not None
            update_session_auth_hash(request, request.member.user)  # stay logged in here
            messages.success(request, _("Your password has been changed."))
            return redirect("portal:profile")
    context = {"form": form, "section": "password"}
    status = 400 if form.errors else 200
    return render_portal(request, "portal/password.html", context, status=status)
