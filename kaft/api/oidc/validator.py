"""django-oauth-toolkit's validator with Kaft's rules for partner sign-ins (OpenID Connect).

The toolkit names a member to a client by the login's primary key (``sub``) and hands out the
claims its scopes name. Kaft does neither: for a partner's client (a
:class:`~kaft.privacy.models.partner_clients.PartnerClient`) both the ID token and userinfo
carry the member's pairwise pseudonym as ``sub`` and exactly the claims of
:func:`~kaft.privacy.services.partner_sign_in.claims_offered`; issuing an ID token records the
sign-in (a disclosure on the first one and on every change of what the partner receives).

- exchanging a code (after the consent page) gives what the consent page listed;
- a refresh never gives more than the member agreed to at the last consent;
- userinfo gives what the last ID token gave;
- a refresh and userinfo never give what the partner register no longer lets the partner
  receive (its categories were narrowed: the claims narrow with them, recorded as a change);
- a code exchange, a refresh and a userinfo call all fail once the membership has ended or the
  member was erased (their login is unlinked then), once the member ended the partner's access
  (its tokens are deleted), and once the partner is no longer active in the register (or a
  partner on consent lost the consent it needs).

Any other client asking for ``openid`` (none may: :mod:`kaft.api.scopes`) would get a pseudonym
for its own client id, never the primary key.
"""

from __future__ import annotations

import logging
from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

from kaft.core import params
from kaft.privacy.errors import PrivacyError
from kaft.privacy.models.partner_clients import (
    CATEGORY_OF_CLAIM,
    DEFAULT_CLAIMS,
    PartnerClaim,
    PartnerClient,
    PartnerSignIn,
)
from kaft.privacy.services.partner_sign_in import (
    claim_values,
    claims_offered,
    member_of_user,
    pairwise_subject,
    partner_sign_in_check,
    partner_sign_in_record,
)

log = logging.getLogger(__name__)


def allowed_now(client: PartnerClient, claims: list[str]) -> list[str]:
    """``claims`` without those whose data category the partner register no longer lets the
    client's partner receive."""
    categories = set(client.partner.categories)
    return [c for c in claims if c not in CATEGORY_OF_CLAIM or CATEGORY_OF_CLAIM[c] in categories]


def partner_client_of(application: Any) -> PartnerClient | None:
    if application is None or getattr(application, "pk", None) is None:
        return None
    return PartnerClient.objects.select_related("partner").filter(application=application).first()


class KaftValidator(OAuth2Validator):
    # Kaft filters the claims itself (per partner and consent), not by the toolkit's scope table.
    oidc_claim_scope = None

    def _load_application(self, client_id: Any, request: Any) -> Any:
        """No client has a NUL in its id: the toolkit expects psycopg2's ValueError for one,
        psycopg 3 raises DataError (a server error on PostgreSQL); refuse it before asking."""
        if params.text_from(client_id, max_length=255) is None:
            return None
        return super()._load_application(client_id, request)

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        return {}

    def get_discovery_claims(self, request: Any) -> list[str]:
        return ["sub", *PartnerClaim.values]

    def get_oidc_claims(self, token: Any, token_handler: Any, request: Any) -> dict[str, Any]:
        """The ID token's claims (besides iss, aud, exp, …): recorded as a sign-in."""
        return self._claims(request, issuing=True)

    def get_userinfo_claims(self, request: Any) -> dict[str, Any]:
        return self._claims(request, issuing=False)

    def _claims(self, request: Any, *, issuing: bool) -> dict[str, Any]:
        client = partner_client_of(request.client)
        member = member_of_user(request.user)
        if client is None or member is None:
            user_id = int(getattr(request.user, "pk", 0) or 0)
            sector = f"client:{getattr(request.client, 'client_id', '')}"
            return {"sub": pairwise_subject(sector_identifier=sector, member_id=user_id)}
        offered = claims_offered(client=client, scopes=request.scopes or [], member=member)
        sign_in = PartnerSignIn.objects.filter(member=member, client=client).first()
        agreed = list(sign_in.claims) if sign_in is not None else []
        if issuing and getattr(request, "grant_type", "") == "authorization_code":
            claims = offered  # what the consent page just listed
        elif issuing:  # a refresh: never more than the last consent, nor than the register says
            claims = allowed_now(client, [c for c in offered if c in agreed or c in DEFAULT_CLAIMS])
        else:
            claims = allowed_now(client, [c for c in offered if c in agreed])
        if issuing:
            try:
                partner_sign_in_record(member=member, client=client, claims=claims)
            except PrivacyError as error:  # checked at the code and the refresh already
                log.warning("partner sign-in refused while issuing an ID token: %s", error.code)
                claims = []
        return claim_values(member=member, client=client, claims=claims)

    # --- the member must still be a member -----------------------------------------------------

    def _member_may(self, request: Any) -> bool:
        client = partner_client_of(request.client)
        if client is None:
            return True
        member = member_of_user(request.user)
        claims = claims_offered(client=client, scopes=request.scopes or [], member=member)
        try:
            partner_sign_in_check(member=member, client=client, claims=claims)
        except PrivacyError:
            return False
        return True

    @staticmethod
    def _still_may(client: PartnerClient, user: Any) -> bool:
        """A refresh or userinfo call: the member is still a member, the partner still active in
        the register (and, on consent, still consented to); what it may receive is narrowed to
        the register's categories where the claims are given out."""
        member = member_of_user(user)
        try:
            partner_sign_in_check(
                member=member, client=client, claims=allowed_now(client, list(DEFAULT_CLAIMS))
            )
        except PrivacyError:
            return False
        return True

    def validate_code(
        self, client_id: Any, code: Any, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        if not super().validate_code(client_id, code, client, request, *args, **kwargs):
            return False
        return self._member_may(request)

    def validate_refresh_token(
        self, refresh_token: Any, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        if not super().validate_refresh_token(refresh_token, client, request, *args, **kwargs):
            return False
        request.client = client
        partner_client = partner_client_of(client)
        if partner_client is None:
            return True
        return self._still_may(partner_client, request.user)

    def validate_bearer_token(self, token: Any, scopes: Any, request: Any) -> bool:
        if not super().validate_bearer_token(token, scopes, request):
            return False
        access_token = getattr(request, "access_token", None)
        application = getattr(access_token, "application", None)
        partner_client = partner_client_of(application)
        if partner_client is None:
            return True
        return self._still_may(partner_client, request.user)
