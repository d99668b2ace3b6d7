"""An API client: an OAuth 2 application of django-oauth-toolkit, with what Kaft adds to it.

The toolkit's ``Application`` holds the client id, the (hashed) secret, the grant type and the
redirect addresses. :class:`ApiClient` adds the scopes the client may ask for, the partner
organisation it belongs to (then every answer with member data is a disclosure to that partner)
and its rate limit. A client without an ApiClient row may ask for no scope at all.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import Application

from kaft.privacy.models import Partner


class Scope(models.TextChoices):
    CATALOG_READ = "catalog:read", _("Search the catalogue")
    AVAILABILITY_READ = "availability:read", _("See where copies are available")
    CIRCULATION_WRITE = "circulation:write", _("Lend and take in copies")
    MEMBERS_READ = "members:read", _("Look up the membership status of members")
    ME = "me", _("A member's own loans, reservations and charges")


class ApiClient(models.Model):
    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="kaft_client"
    )
    # Scope values this client may ask for.
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_clients",
        verbose_name=_("partner organisation"),
        help_text=_("Another organisation: every answer with member data is a disclosure to it."),
    )
    # Requests per minute; None: the library's default (KAFT_API_RATE_PER_MINUTE).
    rate_per_minute = models.PositiveIntegerField(_("requests per minute"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return self.application.name
