"""Portal URLs for joining online; included by kaft/portal/urls.py in its namespace."""

from django.urls import URLPattern, path

from kaft.portal.views import signup

urlpatterns: list[URLPattern] = [
    path("lid-worden/", signup.signup, name="signup"),
    path("lid-worden/welkom/", signup.signup_done, name="signup_done"),
    path("lid-worden/bevestigen/", signup.signup_confirm, name="signup_confirm"),
]
