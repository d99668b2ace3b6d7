"""A member's partner services at the desk: the list (logged as a look), ending a service's access
at the member's request (a confirmation, then a POST; the tokens go), and nothing of another
member's sign-ins."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from oauth2_provider.models import AccessToken, RefreshToken

from kaft.members.models import Member, User
from kaft.privacy.models import AccessLogEntry, AccessPurpose, DataPart
from kaft.privacy.models.partner_clients import PartnerSignIn
from tests.factories import MemberFactory
from tests.factories_transparency import a_partner_sign_in


def _list(member: Member) -> str:
    return reverse("desk:member_partner_services", args=[member.pk])


def _end(member: Member, sign_in: PartnerSignIn) -> str:
    return reverse("desk:member_partner_access_end", args=[member.pk, sign_in.pk])


def test_the_member_page_links_to_the_partner_services(desk: Client, member: Member) -> None:
    page = desk.get(reverse("desk:member_detail", args=[member.pk])).content.decode()

    assert _list(member) in page


def test_the_list_shows_each_partner_what_it_received_and_logs_the_look(
    desk: Client, member: Member, staff: User
) -> None:
    # given the member signed in to the e-book service, which can read with its tokens
    sign_in = a_partner_sign_in(member)
    AccessLogEntry.objects.all().delete()

    # when the desk opens the member's partner services
    response = desk.get(_list(member))

    # then the partner, the sign-ins, what it received and its access are shown
    page = response.content.decode()
    assert response.status_code == 200
    assert "Landelijke e-bookdienst" in page
    assert f'id="partner-sign-in-{sign_in.pk}"' in page
    assert "leeftijdsgroep" in page.lower() or "age group" in page.lower()
    assert "kan lezen" in page or "can read" in page
    assert _end(member, sign_in) in page
    # and the look is in the access log, as help at the desk
    look = AccessLogEntry.objects.get(member=member)
    assert (look.staff, look.part, look.purpose) == (
        staff,
        DataPart.STATUS,
        AccessPurpose.DESK,
    )


def test_ending_access_asks_first_then_revokes_the_tokens(desk: Client, member: Member) -> None:
    sign_in = a_partner_sign_in(member)
    application = sign_in.client.application

    # the question first: nothing changes by looking at it
    question = desk.get(_end(member, sign_in))
    assert question.status_code == 200
    assert 'id="partner-access-end"' in question.content.decode()
    assert AccessToken.objects.filter(application=application).exists()

    # then the POST ends the access
    response = desk.post(_end(member, sign_in), follow=True)

    assert response.redirect_chain == [(_list(member), 302)]
    assert not PartnerSignIn.objects.filter(pk=sign_in.pk).exists()
    assert not AccessToken.objects.filter(application=application, user=member.user).exists()
    assert not RefreshToken.objects.filter(application=application, user=member.user).exists()
    assert "Landelijke e-bookdienst" in response.content.decode()  # the confirmation message


def test_another_members_sign_in_gives_404_and_stays(desk: Client, member: Member) -> None:
    other = MemberFactory.create(home_branch=member.home_branch)
    theirs = a_partner_sign_in(other, name="Filmdienst")
    mine = a_partner_sign_in(member)
    AccessLogEntry.objects.all().delete()

    looked = desk.get(_end(member, theirs))
    ended = desk.post(_end(member, theirs))
    page = desk.get(_list(member)).content.decode()

    assert (looked.status_code, ended.status_code) == (404, 404)
    assert PartnerSignIn.objects.filter(pk=theirs.pk).exists()
    assert AccessToken.objects.filter(user=other.user).exists()
    assert "Filmdienst" not in looked.content.decode() + ended.content.decode() + page
    assert not AccessLogEntry.objects.filter(member=other).exists()
    assert PartnerSignIn.objects.filter(pk=mine.pk).exists()


def test_a_service_without_a_live_token_shows_its_access_ended(
    desk: Client, member: Member
) -> None:
    sign_in = a_partner_sign_in(member)
    AccessToken.objects.filter(user=member.user).delete()
    RefreshToken.objects.filter(user=member.user).update(revoked="2026-01-01T00:00:00Z")

    page = desk.get(_list(member)).content.decode()

    assert f'id="partner-sign-in-{sign_in.pk}"' in page
    assert "kan lezen" not in page and "can read" not in page
    assert "nu geen toegang" in page or "no access now" in page


def test_ending_access_takes_a_post_and_a_member_without_services_sees_so(
    desk: Client, member: Member
) -> None:
    sign_in = a_partner_sign_in(member)

    assert desk.put(_end(member, sign_in)).status_code == 405
    assert desk.post(_list(member)).status_code == 405
    desk.post(_end(member, sign_in))
    again = desk.post(_end(member, sign_in))

    assert again.status_code == 404  # already ended: nothing to end
    page = desk.get(_list(member)).content.decode()
    assert 'class="partner-services"' not in page
