"""Django's admin behind the second factor: every admin user must have passed TOTP.

The admin is for the few people who maintain the system. Its login asks for the password and a
code from the authenticator app (django-otp's OTPAdminSite); staff set up the app at the desk's
second-factor page (``/desk/otp/``) first.
"""

from __future__ import annotations

from django_otp.admin import OTPAdminSite


class KaftAdminSite(OTPAdminSite):
    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)
