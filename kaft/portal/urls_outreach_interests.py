"""Portal URLs for interests and tips; included by kaft/portal/urls.py in its namespace.

No id in these URLs: the page is the logged-in member's own; interests are posted by code.
"""

from django.urls import URLPattern, path

from kaft.portal.views import outreach_interests as views

urlpatterns: list[URLPattern] = [
    path("mijn/interesses/", views.interests_mine, name="interests"),
    path("mijn/interesses/toestemming/", views.interests_consent, name="interests_consent"),
]
