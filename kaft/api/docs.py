"""The interactive documentation page at /api/v1/docs/: Swagger UI from the files django-ninja
ships, served by Kaft's own static files (``ninja`` is in INSTALLED_APPS, so its template loads
them with ``{% static %}``; its start script is a file too, not inline).

Kaft's Content-Security-Policy stays as it is, with one addition on this page only: Swagger UI's
style sheet draws a few icons as ``data:`` images, so ``img-src`` allows ``data:`` here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from csp.constants import SELF
from csp.decorators import csp_update
from ninja.openapi.docs import Swagger


class KaftSwagger(Swagger):
    default_settings = {"layout": "BaseLayout", "deepLinking": True, "tryItOutEnabled": False}


def docs_page(view: Callable[..., Any]) -> Callable[..., Any]:
    return csp_update({"img-src": [SELF, "data:"]})(view)
