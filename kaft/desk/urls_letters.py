from django.urls import path

from kaft.desk.views import letters

urlpatterns = [
    path("letters/", letters.letters_page, name="letters"),
    path("letters/print-run/", letters.print_run_new, name="print_run_new"),
    path("letters/print-run/pdf/", letters.print_run_pdf, name="print_run_pdf"),
    path("letters/print-run/printed/", letters.print_run_printed, name="print_run_printed"),
]
