"""Desk URLs for interlibrary loan: requests in both roles, the pick list, a new request and the
register of partner libraries (administrators); included by kaft/desk/urls.py in its namespace."""

from django.urls import URLPattern, path

from kaft.desk.views import interlibrary

urlpatterns: list[URLPattern] = [
    path("interlibrary/", interlibrary.interlibrary_list, name="interlibrary"),
    path("interlibrary/new/", interlibrary.interlibrary_new, name="interlibrary_new"),
    path(
        "interlibrary/<int:ill_request_id>/",
        interlibrary.interlibrary_detail,
        name="interlibrary_detail",
    ),
    path(
        "interlibrary/partners/",
        interlibrary.interlibrary_partners,
        name="interlibrary_partners",
    ),
    path(
        "interlibrary/partners/new/",
        interlibrary.interlibrary_partner_new,
        name="interlibrary_partner_new",
    ),
    path(
        "interlibrary/partners/<int:library_partner_id>/",
        interlibrary.interlibrary_partner_edit,
        name="interlibrary_partner_edit",
    ),
]
