"""Logging in (card number or e-mail address) and out. django-axes counts the failures."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpResponse

from kaft.core.library import library
from kaft.portal.forms import LoginForm


class LoginView(auth_views.LoginView):
    """Django's login view: it renews the session key and only follows a ``next`` on this site."""

    template_name = "portal/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    next_page = "portal:loans"  # a URL name: resolve_url() turns it into the address

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["library_name"] = library().name
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        # A new privacy statement is shown once, right after login (consent helper).
        from kaft.portal.views.consent import statement_after_login

        return statement_after_login(self.request, form.get_user(), response) or response


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule): a link or an image cannot log a member out."""

    next_page = "portal:home"
