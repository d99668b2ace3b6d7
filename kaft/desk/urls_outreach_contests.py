"""Desk URLs for contests (*Prijsvragen*); included by kaft/desk/urls.py in its namespace."""

from django.urls import URLPattern, path

from kaft.desk.views import outreach_contests as views

urlpatterns: list[URLPattern] = [
    path("contests/", views.contests, name="contests"),
    path("contests/new/", views.contest_new, name="contest_new"),
    path("contests/<int:campaign_id>/", views.contest, name="contest"),
    path("contests/<int:campaign_id>/edit/", views.contest_edit, name="contest_edit"),
    path("contests/<int:campaign_id>/move/", views.contest_move, name="contest_move"),
    path("contests/<int:campaign_id>/entries/", views.contest_entries, name="contest_entries"),
    path("contests/<int:campaign_id>/draw/", views.contest_draw, name="contest_draw"),
    path("contests/<int:campaign_id>/winners/", views.contest_winners, name="contest_winners"),
]
