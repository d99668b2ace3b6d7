"""Admin for outreach: each part registers its own models in ``admin_<part>.py``."""

from kaft.outreach import admin_interests  # noqa: F401
