from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("desk/", include("kaft.desk.urls")),
    path("", include("kaft.api.urls")),
    path("", include("kaft.portal.urls")),
]
