from django.urls import path

from kaft.desk.views import slips

urlpatterns = [
    path("receipt/", slips.receipt, name="receipt"),
    path("receipt/pdf/", slips.receipt_as_pdf, name="receipt_pdf"),
    path("slips/hold/<int:hold_id>/", slips.hold_slip, name="hold_slip"),
    path("slips/hold/<int:hold_id>/pdf/", slips.hold_slip_as_pdf, name="hold_slip_pdf"),
    path("slips/transit/<int:item_id>/", slips.transit_slip_page, name="transit_slip"),
    path("slips/transit/<int:item_id>/pdf/", slips.transit_slip_as_pdf, name="transit_slip_pdf"),
]
