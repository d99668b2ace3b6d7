"""Portal URLs for rights (privacy by design); included by kaft/portal/urls.py in its namespace."""

from django.urls import URLPattern, path

from kaft.portal.views import rights

urlpatterns: list[URLPattern] = [
    path("mijn/gegevens/downloaden/", rights.data_download, name="data_download"),
    path("mijn/gegevens/correctie/", rights.correction, name="correction"),
    path(
        "mijn/gegevens/correctie/intrekken/",
        rights.correction_withdraw,
        name="correction_withdraw",
    ),
    path("mijn/gegevens/geschiedenis/", rights.history, name="history"),
    path("mijn/account/verwijderen/", rights.erasure, name="erasure"),
    path("mijn/account/verwijderen/annuleren/", rights.erasure_cancel, name="erasure_cancel"),
    path("account-verwijderd/", rights.erased, name="erased"),
]
