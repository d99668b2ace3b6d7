"""Kaft as an OpenID Connect provider for partner services (docs/partners.md).

django-oauth-toolkit does the protocol (discovery, JWKS, ID tokens signed RS256, userinfo);
:mod:`.validator` decides what a partner learns of a member (through
:mod:`kaft.privacy.services.partner_sign_in`), :mod:`.keys` where the signing key comes from.
"""
