"""Desk URLs for money: Betalen, Kwijtschelden, receipts and the cash report; included by
kaft/desk/urls.py in its namespace."""

from django.urls import URLPattern, path

from kaft.desk.views import cash, payments

urlpatterns: list[URLPattern] = [
    path("payments/", payments.payments_find, name="payments_find"),
    path(
        "members/<int:member_id>/payments/",
        payments.member_payments_view,
        name="member_payments",
    ),
    path("members/<int:member_id>/payments/pay/", payments.member_pay, name="member_pay"),
    path(
        "members/<int:member_id>/payments/charge/",
        payments.member_charge_add,
        name="member_charge_add",
    ),
    path(
        "members/<int:member_id>/payments/<int:charge_id>/waive/",
        payments.charge_waive_view,
        name="charge_waive",
    ),
    path(
        "payments/<int:payment_id>/receipt/",
        payments.payment_receipt_page,
        name="payment_receipt",
    ),
    path(
        "payments/<int:payment_id>/receipt/pdf/",
        payments.payment_receipt_as_pdf,
        name="payment_receipt_pdf",
    ),
    path("cash/", cash.cash_report, name="cash_report"),
    path("cash/csv/", cash.cash_report_csv, name="cash_report_csv"),
    path("cash/pdf/", cash.cash_report_as_pdf, name="cash_report_pdf"),
]
