"""Desk URLs of the research panel (Biebpanel); included by kaft/desk/urls.py."""

from django.urls import URLPattern, path

from kaft.desk.views import outreach_panel as views

urlpatterns: list[URLPattern] = [
    path("panel/", views.panel_surveys, name="panel_surveys"),
    path("panel/new/", views.panel_survey_new, name="panel_survey_new"),
    path("panel/<int:survey_id>/", views.panel_survey, name="panel_survey"),
    path("panel/<int:survey_id>/edit/", views.panel_survey_edit, name="panel_survey_edit"),
    path("panel/<int:survey_id>/move/", views.panel_survey_move, name="panel_survey_move"),
    path("panel/<int:survey_id>/invite/", views.panel_survey_invite, name="panel_survey_invite"),
    path("panel/<int:survey_id>/questions/", views.panel_question_add, name="panel_question_add"),
    path(
        "panel/<int:survey_id>/questions/<int:question_id>/remove/",
        views.panel_question_remove,
        name="panel_question_remove",
    ),
    path("panel/<int:survey_id>/results/", views.panel_survey_results, name="panel_results"),
    path(
        "panel/<int:survey_id>/results.csv",
        views.panel_survey_results_csv,
        name="panel_results_csv",
    ),
]
