"""Portal URLs for consent (privacy by design); included by kaft/portal/urls.py in its namespace.

No id in these URLs: a consent is named by its purpose in the posted form, an earlier statement
version by ``?versie=`` (public anyway).
"""

from django.urls import URLPattern, path

from kaft.portal.views import consent

urlpatterns: list[URLPattern] = [
    path("mijn/toestemmingen/", consent.consents, name="consents"),
    path("mijn/toestemmingen/wijzigen/", consent.consent_change, name="consent_change"),
    path("privacy/", consent.statement, name="statement"),
    path("privacy/archief/", consent.statement_archive_page, name="statement_archive"),
    path("mijn/privacyverklaring/", consent.statement_new, name="statement_new"),
    path(
        "mijn/privacyverklaring/reageren/",
        consent.statement_respond_page,
        name="statement_respond",
    ),
]
