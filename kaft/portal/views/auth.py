"""Logging in (card number or e-mail address) and out. django-axes counts the failures."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views

from kaft.portal.forms import LoginForm


class LoginView(auth_views.LoginView):
    """Django's login view: it renews the session key and only follows a ``next`` on this site."""

    template_name = "portal/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    next_page = "portal:loans"  # a URL name: resolve_url() turns it into the address

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["library_name"] = settings.KAFT_LIBRARY_NAME
        return context


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule): a link or an image cannot log a member out."""

    next_page = "portal:home"
