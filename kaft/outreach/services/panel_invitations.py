"""Inviting the panel to a survey, the invitation mail, the pseudonymous panel id, and what
leaving the panel does.

Who is invited: the members whose ``research_panel`` consent is yes at the moment staff press
"invite" (:func:`~kaft.privacy.services.consent.members_with_consent`), each once per survey;
pressing again later invites only those who joined since. Each invitation is mailed after the
commit (:mod:`kaft.outreach.tasks_panel`), in the member's language; a member without an e-mail
address finds the survey in MijnBibliotheek all the same.

For a survey in Kaft the mail links to the survey in MijnBibliotheek (the member logs in). For
an external survey the mail links to the partner's survey with a **panel id**
(:func:`panel_id`): an HMAC-SHA256 under ``KAFT_PANEL_SECRET`` of the survey and the member.
Stable for one member in one survey (a second click is the same respondent), different in every
other survey (the partner cannot follow a member from survey to survey), and not to be traced
back to the member without the secret. Handing it over is a disclosure to the partner, recorded
per member when inviting (category membership) and shown in "Wie kreeg mijn gegevens".

Leaving the panel, wherever it is done (MijnBibliotheek, the desk's consent page, erasure),
deletes the member's invitations not answered yet (:func:`panel_left`, registered with
:func:`~kaft.privacy.services.consent_hooks.on_consent_withdrawn` in ``OutreachConfig.ready``).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
from email.utils import formataddr
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from kaft.core.library import library
from kaft.members.models import Member, User
from kaft.outreach.errors import OutreachError
from kaft.outreach.errors.panel import PanelErrorCode
from kaft.outreach.models import Invitation, Survey, SurveyStatus
from kaft.outreach.services.panel import PANEL_ID_CATEGORY
from kaft.privacy.models import ConsentPurpose, LegalBasis
from kaft.privacy.services.consent import members_with_consent
from kaft.privacy.services.disclosure import disclosure_record

logger = logging.getLogger(__name__)

# The name of the panel id in the external survey's address.
PANEL_ID_PARAMETER = "panel_id"


def panel_id(*, survey_id: int, member_id: int) -> str:
    """The member's pseudonymous id in one survey: base32 (lower case, no padding) of
    HMAC-SHA256(KAFT_PANEL_SECRET, survey id, member id)."""
    secret = str(settings.KAFT_PANEL_SECRET).encode()
    message = f"kaft-panel\x1f{survey_id}\x1f{member_id}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii").rstrip("=").lower()


def external_survey_url(invitation: Invitation) -> str:
    """The partner's survey address with the member's panel id for that survey added."""
    survey = invitation.survey
    parts = urlsplit(survey.external_url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != PANEL_ID_PARAMETER]
    query.append(
        (PANEL_ID_PARAMETER, panel_id(survey_id=survey.pk, member_id=invitation.member_id))
    )
    return urlunsplit(parts._replace(query=urlencode(query)))


def invitation_url(invitation: Invitation) -> str:
    """The personal link of the invitation mail."""
    if invitation.survey.is_external:
        return external_survey_url(invitation)
    path = reverse("portal:panel_survey", kwargs={"invitation_id": invitation.pk})
    return str(settings.KAFT_SITE_URL) + path


def panel_invitable(survey: Survey) -> int:
    """How many members would be invited now: in the panel, not invited to ``survey`` yet."""
    return (
        members_with_consent(ConsentPurpose.RESEARCH_PANEL)
        .exclude(panel_invitations__survey=survey)
        .count()
    )


@transaction.atomic
def panel_invite(*, survey: Survey, staff: User | None) -> list[Invitation]:
    """Invite every member in the panel now who was not invited to ``survey`` yet; their mails
    go after the commit. Locks the survey. For an external survey, records a disclosure of the
    panel id to the partner per member invited (the member's yes to the panel is the consent
    for it). Refused: a survey not open, or past its last day. Returns the new invitations."""
    locked = (
        Survey.objects.select_for_update(of=("self",)).select_related("partner").get(pk=survey.pk)
    )
    if locked.status != SurveyStatus.OPEN or timezone.localdate() > locked.closes_on:
        raise OutreachError(PanelErrorCode.NOT_OPEN)
    members = list(
        members_with_consent(ConsentPurpose.RESEARCH_PANEL)
        .exclude(panel_invitations__survey=locked)
        .order_by("pk")
    )
    now = timezone.now()
    invitations = Invitation.objects.bulk_create(
        [Invitation(survey=locked, member=member, invited_at=now) for member in members]
    )
    if locked.is_external and locked.partner is not None:
        purpose = _("Research panel: the survey “%(title)s”") % {"title": locked.title}
        for member in members:
            disclosure_record(
                member=member,
                categories=[PANEL_ID_CATEGORY],
                partner=locked.partner,
                purpose=f"{purpose} ({locked.partner.purpose})"[:300],
                legal_basis=LegalBasis.CONSENT,
                staff=staff,
                consented_now=True,
            )
    ids = [invitation.pk for invitation in invitations]
    transaction.on_commit(lambda: _mail_later(ids))
    return invitations


def _mail_later(invitation_ids: list[int]) -> None:
    from kaft.outreach.tasks_panel import mail_panel_invitation

    for invitation_id in sorted(invitation_ids):
        mail_panel_invitation.delay(invitation_id)


def _long_date(day: dt.date) -> str:
    return str(formats.date_format(day, "j F Y"))


def invitation_mail_send(*, invitation_id: int) -> bool:
    """Mail one invitation (once: ``mailed_at`` is set after sending). Nothing goes out for an
    invitation gone (the member left the panel), answered, of a survey no longer open, or for a
    member without an e-mail address. Returns whether a mail went out."""
    invitation = (
        Invitation.objects.select_related("survey", "member")
        .filter(pk=invitation_id, mailed_at__isnull=True, answered_at__isnull=True)
        .first()
    )
    if invitation is None or invitation.survey.status != SurveyStatus.OPEN:
        return False
    member: Member = invitation.member
    if not member.email:
        return False
    survey = invitation.survey
    name = library().name
    language = member.preferred_language or "nl"
    with translation.override(language):
        subject = _("Biebpanel: will you give your opinion? %(title)s") % {"title": survey.title}
        if survey.is_external:
            how = _(
                "The survey is held by %(partner)s for the library. The link below gives them "
                "a number that belongs to you in this survey only; not your name, e-mail "
                "address or card number."
            ) % {"partner": survey.partner.name if survey.partner else ""}
        else:
            how = _(
                "You answer in MijnBibliotheek (log in first). Your answers are anonymous: we "
                "only store that you answered, not what you answered."
            )
        body = _(
            "Hello %(name)s,\n\n"
            "You are a member of the Biebpanel of %(library)s, so we invite you to our survey "
            "“%(title)s”.\n\n"
            "%(intro)s\n\n"
            "%(how)s\n\n"
            "%(link)s\n\n"
            "You can answer until %(until)s.\n\n"
            "Do you no longer want to be in the Biebpanel? Leave it in MijnBibliotheek, under "
            "Biebpanel.\n\n"
            "%(library)s"
        ) % {
            "name": member.first_name,
            "library": name,
            "title": survey.title,
            "intro": survey.intro,
            "how": how,
            "link": invitation_url(invitation),
            "until": _long_date(survey.closes_on),
        }
    message = EmailMessage(
        subject=subject,
        body=body.replace("\n\n\n\n", "\n\n"),
        from_email=formataddr((name, settings.DEFAULT_FROM_EMAIL)),
        to=[member.email],
        headers={"Auto-Submitted": "auto-generated", "Content-Language": language},
    )
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # the desk may send again (panel_invitations_mail_again)
        logger.warning("panel invitation %s failed: %s", invitation.pk, type(exc).__name__)
        return False
    Invitation.objects.filter(pk=invitation.pk).update(mailed_at=timezone.now())
    return True


def panel_invitations_mail_again(*, survey: Survey) -> int:
    """Queue the mail again for the invitations of ``survey`` not mailed yet (a mail server
    that was down). Returns how many were queued."""
    ids = list(
        Invitation.objects.filter(
            survey=survey, mailed_at__isnull=True, answered_at__isnull=True
        ).values_list("pk", flat=True)
    )
    if survey.status == SurveyStatus.OPEN and ids:
        transaction.on_commit(lambda: _mail_later(ids))
    return len(ids) if survey.status == SurveyStatus.OPEN else 0


def panel_left(member: Member, staff: User | None) -> None:
    """The member left the panel (withdrew ``research_panel``): their invitations not answered
    yet are deleted, so no survey waits for them and no mail goes out. An answered invitation
    stays until its survey's period ends: it only says that they answered."""
    Invitation.objects.filter(member=member, answered_at__isnull=True).delete()
