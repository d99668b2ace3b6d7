"""Desk URLs for interests (the library's list, a member's interests); included by
kaft/desk/urls.py."""

from django.urls import URLPattern, path

from kaft.desk.views import outreach_interests as views

urlpatterns: list[URLPattern] = [
    path("interests/", views.interests_list, name="interests"),
    path("interests/suggested/", views.interests_seed, name="interests_seed"),
    path("interests/active/", views.interest_active, name="interest_active"),
    path(
        "members/<int:member_id>/interests/",
        views.member_interests_view,
        name="member_interests",
    ),
]
