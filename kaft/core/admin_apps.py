"""Django's admin app with Kaft's admin site (behind the second factor: kaft/core/admin_site.py).

Kept apart from the site itself: an app config module is imported before the models are ready.
"""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class KaftAdminConfig(AdminConfig):
    default_site = "kaft.core.admin_site.KaftAdminSite"
