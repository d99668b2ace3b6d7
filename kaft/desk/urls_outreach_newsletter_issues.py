"""Desk URLs for newsletter issues (*Nieuwsbrieven*); included by kaft/desk/urls.py in its
namespace. Administrators only (kaft/desk/views/outreach_newsletter_issues.py)."""

from django.urls import URLPattern, path

from kaft.desk.views import outreach_newsletter_issues as views

urlpatterns: list[URLPattern] = [
    path("newsletters/", views.issues, name="newsletter_issues"),
    path("newsletters/new/", views.issue_new, name="newsletter_issue_new"),
    path("newsletters/<int:newsletter_issue_id>/", views.issue, name="newsletter_issue"),
    path(
        "newsletters/<int:newsletter_issue_id>/images/",
        views.issue_image_upload,
        name="newsletter_issue_image",
    ),
    path(
        "newsletters/<int:newsletter_issue_id>/images/<int:newsletter_image_id>/remove/",
        views.issue_image_delete,
        name="newsletter_issue_image_remove",
    ),
    path(
        "newsletters/<int:newsletter_issue_id>/test/",
        views.issue_test,
        name="newsletter_issue_test",
    ),
    path(
        "newsletters/<int:newsletter_issue_id>/send/",
        views.issue_send,
        name="newsletter_issue_send",
    ),
    path(
        "newsletters/<int:newsletter_issue_id>/cancel/",
        views.issue_stop,
        name="newsletter_issue_cancel",
    ),
]
