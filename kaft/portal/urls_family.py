"""Portal URLs for family (privacy by design); included by kaft/portal/urls.py in its namespace.

No id in these URLs: the access a form acts on is posted, and looked up among the member's own.
"""

from django.urls import URLPattern, path

from kaft.portal.views import family

urlpatterns: list[URLPattern] = [
    path("mijn/toegang/", family.family, name="family"),
    path("mijn/toegang/aanvragen/", family.family_request, name="family_request"),
    path("mijn/toegang/antwoorden/", family.family_answer, name="family_answer"),
    path("mijn/toegang/beeindigen/", family.family_end, name="family_end"),
]
