"""Partner services a member signs in to with their library account (OpenID Connect).

A :class:`PartnerClient` ties an OAuth 2 application of django-oauth-toolkit to an organisation
in the partner register, with its *sector identifier* (the pairwise pseudonym of a member differs
per sector) and the claims it is registered for beyond the defaults. A :class:`PartnerSignIn`
is a member's standing sign-in to one partner: when it started, when it was last used and what
the partner received the last time. Every change of that is a disclosure.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaft.members.models import Member
from kaft.privacy.models.categories import DataCategory
from kaft.privacy.models.disclosure import Partner


class PartnerClaim(models.TextChoices):
    """What a partner may learn of a member. ``sub`` (the pairwise pseudonym) always; the first
    two by default; the others only when the partner is registered for them and the member
    agreed on the consent page."""

    MEMBER_OF = "member_of", _("That you are a member of the library (its ISIL code)")
    AGE_BAND = "age_band", _("Your age group: youth (under 18) or adult")
    NAME = "name", _("Your name")
    EMAIL = "email", _("Your e-mail address")
    CARD_NUMBER = "card_number", _("Your card number")
    BIRTHDATE = "birthdate", _("Your date of birth")


DEFAULT_CLAIMS = (PartnerClaim.MEMBER_OF.value, PartnerClaim.AGE_BAND.value)
# The scope a partner asks for to receive an optional claim (besides ``openid``).
SCOPE_OF_CLAIM = {
    PartnerClaim.NAME.value: "profile",
    PartnerClaim.EMAIL.value: "email",
    PartnerClaim.CARD_NUMBER.value: "card_number",
    PartnerClaim.BIRTHDATE.value: "birthdate",
}
# The register's category of each claim (a disclosure names these; the partner's registration
# in the register must cover them).
CATEGORY_OF_CLAIM = {
    PartnerClaim.MEMBER_OF.value: DataCategory.MEMBERSHIP,
    PartnerClaim.AGE_BAND.value: DataCategory.MEMBERSHIP,
    PartnerClaim.NAME.value: DataCategory.IDENTITY,
    PartnerClaim.EMAIL.value: DataCategory.CONTACT,
    PartnerClaim.CARD_NUMBER.value: DataCategory.MEMBERSHIP,
    PartnerClaim.BIRTHDATE.value: DataCategory.IDENTITY,
}


class PartnerClient(models.Model):
    """An OpenID Connect client of a partner organisation."""

    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="partner_client",
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        related_name="clients",
        verbose_name=_("partner organisation"),
    )
    # OIDC Core 8.1: the host (or any stable name) of the partner's service; members get one
    # pseudonym per sector. Two clients of one partner in one sector see the same pseudonym.
    sector_identifier = models.CharField(_("sector identifier"), max_length=200)
    # Optional PartnerClaim values this client is registered for, besides the defaults.
    claims = models.JSONField(_("claims registered"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partner sign-in client")
        verbose_name_plural = _("partner sign-in clients")

    def __str__(self) -> str:
        return self.partner.name


class PartnerSignIn(models.Model):
    """A member signed in to a partner service. Deleted when the member ends the partner's
    access (its tokens go with it) or when it has not been used for the retention period."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="partner_sign_ins")
    client = models.ForeignKey(
        PartnerClient,
        on_delete=models.CASCADE,
        related_name="sign_ins",
        verbose_name=_("partner service"),
    )
    first_at = models.DateTimeField(_("first sign-in"))
    last_at = models.DateTimeField(_("last sign-in"))
    # The PartnerClaim values the partner received the last time (``sub`` always besides).
    claims = models.JSONField(_("data received"), default=list)

    class Meta:
        verbose_name = _("sign-in to a partner service")
        verbose_name_plural = _("sign-ins to partner services")
        constraints = [
            models.UniqueConstraint(fields=["member", "client"], name="partner_sign_in_once"),
        ]
