"""The register: the REST API's OAuth 2 tables (django-oauth-toolkit). A member's app holds a
token tied to the member's login; a system's token (client credentials) is tied to no one. A
partner service a member signs in to (OpenID Connect) holds the same tokens and an ID token; the
sign-in itself, and what the partner receives, is a ``PartnerSignIn``."""

from __future__ import annotations

from kaft.privacy.models.categories import DataCategory
from kaft.privacy.registry.rules import Erasure
from kaft.privacy.registry.table import PersonalTable

C = DataCategory

SECRET = "A secret of the app (or its one-way hash): it says nothing about the member."
INTERNAL = "The internal key of another token row; it says nothing about the member."

_COMMON = {
    "user": C.ACCOUNT,
    "application": C.ACCOUNT,
    "scope": C.ACCOUNT,
    "created": C.ACCOUNT,
    "updated": C.ACCOUNT,
}

API: list[PersonalTable] = [
    PersonalTable(
        "oauth2_provider.AccessToken",
        {**_COMMON, "expires": C.ACCOUNT, "resource": C.ACCOUNT},
        ("user__member",),
        "app_tokens",
        Erasure.DELETE,
        note=(
            "Access an app has to the member's own data (the consent page of the API): which "
            "app, what it may do, until when. Deleted as soon as it has expired."
        ),
        technical={
            "token": SECRET,
            "token_checksum": SECRET,
            "source_refresh_token": INTERNAL,
            "id_token": INTERNAL,
        },
    ),
    PersonalTable(
        "oauth2_provider.RefreshToken",
        {
            "user": C.ACCOUNT,
            "application": C.ACCOUNT,
            "created": C.ACCOUNT,
            "updated": C.ACCOUNT,
            "revoked": C.ACCOUNT,
            "resource": C.ACCOUNT,
        },
        ("user__member",),
        "app_refresh_tokens",
        Erasure.DELETE,
        export=False,
        note=(
            "Lets an app renew its access without the member logging in again. Not exported: "
            "the export shows the app's access itself (oauth2_provider.AccessToken)."
        ),
        technical={
            "token": SECRET,
            "token_checksum": SECRET,
            "access_token": INTERNAL,
            "token_family": INTERNAL,
        },
    ),
    PersonalTable(
        "oauth2_provider.Grant",
        {
            **_COMMON,
            "expires": C.ACCOUNT,
            "redirect_uri": C.ACCOUNT,
            "resource": C.ACCOUNT,
        },
        ("user__member",),
        "app_tokens",
        Erasure.DELETE,
        export=False,
        note=(
            "The code an app exchanges for a token, valid for a minute after the consent. Not "
            "exported: gone within a minute, the access it gave is exported."
        ),
        technical={
            "code": SECRET,
            "code_challenge": SECRET,
            "code_challenge_method": "How the app proves it asked for the code (S256).",
            "nonce": "A random value of the partner service (OpenID Connect), echoed in its ID token.",
            "claims": "Claims a partner service asked for by name: not used by Kaft.",
        },
    ),
    PersonalTable(
        "oauth2_provider.IDToken",
        {**_COMMON, "expires": C.ACCOUNT},
        ("user__member",),
        "app_tokens",
        Erasure.DELETE,
        export=False,
        note=(
            "That an ID token was given to a partner service the member signed in to (OpenID "
            "Connect); the token itself is not kept. Deleted as soon as it has expired. Not "
            "exported: the export shows the sign-ins (privacy.PartnerSignIn)."
        ),
        technical={"jti": SECRET},
    ),
    PersonalTable(
        "oauth2_provider.DeviceGrant",
        {
            "user": C.ACCOUNT,
            "scope": C.ACCOUNT,
            "expires": C.ACCOUNT,
            "status": C.ACCOUNT,
            "client_id": C.ACCOUNT,
            "last_checked": C.ACCOUNT,
        },
        ("user__member",),
        "app_tokens",
        Erasure.DELETE,
        export=False,
        note="Not used by Kaft (the device flow is not offered); deleted when expired.",
        technical={
            "device_code": SECRET,
            "user_code": SECRET,
            "interval": "How often a device may ask; a setting.",
        },
    ),
    PersonalTable(
        "privacy.PartnerSignIn",
        {
            "member": C.DISCLOSURES,
            "client": C.DISCLOSURES,
            "first_at": C.DISCLOSURES,
            "last_at": C.DISCLOSURES,
            "claims": C.DISCLOSURES,
        },
        ("member",),
        "partner_sign_ins",
        Erasure.DELETE,
        note=(
            "A partner service the member signs in to with their library account (OpenID "
            "Connect): which, since when, last when, and what it receives. Every change of what "
            "it receives is also a disclosure."
        ),
    ),
]
