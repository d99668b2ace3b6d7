"""Public URLs of newsletter issues: the archive of sent issues and the issues' images (served
by Kaft itself, so that a mail never loads anything from another host). Included by
kaft/portal/urls.py in its namespace. No login, no personal data."""

from django.urls import URLPattern, path

from kaft.portal.views import outreach_newsletter_issues as views

urlpatterns: list[URLPattern] = [
    path("nieuwsbrief/archief/", views.archive, name="newsletter_archive"),
    path(
        "nieuwsbrief/archief/<int:newsletter_issue_id>/",
        views.archive_issue_view,
        name="newsletter_issue",
    ),
    path("nieuwsbrief/afbeelding/<str:image_name>", views.image, name="newsletter_image"),
]
