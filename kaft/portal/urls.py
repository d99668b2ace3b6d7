from django.urls import path

from kaft.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("inloggen/", views.home, name="login"),
]
