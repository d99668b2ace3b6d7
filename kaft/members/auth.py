"""Members log in with their card number or e-mail address and their password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from kaft.members.models import Member, User


class MemberCardOrEmailBackend(ModelBackend):
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or not password:
            return None
        login = username.strip()
        lookup = {"email__iexact": login} if "@" in login else {"card_number": login}
        members = list(
            Member.objects.filter(user__isnull=False, **lookup).select_related("user")[:2]
        )
        if len(members) != 1:  # unknown, or an e-mail address two members share: use the card
            User().set_password(password)  # same work as a real check: no timing difference
            return None
        user = members[0].user
        assert user is not None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
