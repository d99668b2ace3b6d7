"""Portal URLs of contests (*prijsvragen*); included by kaft/portal/urls.py in its namespace. An
entry is reached only through the member's own (404 for anyone else's)."""

from django.urls import URLPattern, path

from kaft.portal.views import outreach_contests as views

urlpatterns: list[URLPattern] = [
    path("prijsvraag/", views.contests, name="contests"),
    path("prijsvraag/<int:campaign_id>/", views.contest, name="contest"),
    path("mijn/prijsvragen/", views.contests_mine, name="contests_mine"),
    path("mijn/prijsvragen/<int:campaign_id>/", views.contest_enter, name="contest_enter"),
    path(
        "mijn/prijsvragen/deelname/<int:entry_id>/intrekken/",
        views.contest_withdraw,
        name="contest_withdraw",
    ),
]
