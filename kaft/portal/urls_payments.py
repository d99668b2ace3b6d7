"""Portal URLs for payments (MijnBibliotheek "Betalingen"); included by kaft/portal/urls.py in
its namespace."""

from django.urls import URLPattern, path

from kaft.portal.views import payments

urlpatterns: list[URLPattern] = [
    path("mijn/betalingen/", payments.payments, name="payments"),
    path("mijn/betalingen/<int:payment_id>/bon/", payments.receipt, name="payment_receipt"),
    path(
        "mijn/betalingen/<int:payment_id>/bon/pdf/",
        payments.receipt_pdf,
        name="payment_receipt_pdf",
    ),
]
