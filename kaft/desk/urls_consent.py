"""Desk URLs for consent (privacy by design); included by kaft/desk/urls.py in its namespace."""

from django.urls import URLPattern, path

from kaft.desk.views import consent

urlpatterns: list[URLPattern] = [
    path("members/<int:member_id>/consents/", consent.member_consents, name="member_consents"),
    path(
        "members/<int:member_id>/consents/set/",
        consent.member_consent_set,
        name="member_consent_set",
    ),
    path("privacy/statements/", consent.statements, name="statements"),
    path("privacy/statements/draft/", consent.statement_draft, name="statement_draft"),
    path("privacy/statements/publish/", consent.statement_publish_view, name="statement_publish"),
    path("privacy/inbox/", consent.inbox, name="inbox"),
    path("privacy/inbox/handle/", consent.inbox_handle, name="inbox_handle"),
]
