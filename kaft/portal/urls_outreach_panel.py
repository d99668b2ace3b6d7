"""Portal URLs of the Biebpanel; included by kaft/portal/urls.py in its namespace. A survey is
reached through the member's own invitation (404 for anyone else's)."""

from django.urls import URLPattern, path

from kaft.portal.views import outreach_panel as views

urlpatterns: list[URLPattern] = [
    path("mijn/biebpanel/", views.panel_mine, name="panel"),
    path("mijn/biebpanel/<int:invitation_id>/", views.panel_survey, name="panel_survey"),
]
