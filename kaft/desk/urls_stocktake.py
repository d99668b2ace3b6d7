"""Desk URLs for stocktakes; included by kaft/desk/urls.py in its namespace."""

from django.urls import URLPattern, path

from kaft.desk.views import stocktake

urlpatterns: list[URLPattern] = [
    path("stocktakes/", stocktake.stocktake_list, name="stocktakes"),
    path("stocktakes/<int:stocktake_id>/", stocktake.stocktake_page, name="stocktake"),
    path(
        "stocktakes/<int:stocktake_id>/scan/",
        stocktake.stocktake_scan_view,
        name="stocktake_scan",
    ),
    path(
        "stocktakes/<int:stocktake_id>/result/",
        stocktake.stocktake_result_view,
        name="stocktake_result",
    ),
    path("stocktakes/<int:stocktake_id>/act/", stocktake.stocktake_act, name="stocktake_act"),
    path("stocktakes/<int:stocktake_id>/csv/", stocktake.stocktake_csv, name="stocktake_csv"),
]
