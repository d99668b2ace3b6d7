"""The one attempt limiter of Kaft: how many tries of something guessable are allowed, per what.

Every limit is a :class:`Limit` in :data:`LIMITS` below — the list an operator reads to know what
Kaft refuses and for how long. A limit counts attempts per *subject* (a member, or the card
number or e-mail address typed) in a window of time that starts with the first counted attempt.

The counts live in Django's default cache, so every web worker shares them: Redis when
``KAFT_CACHE_URL`` is set, otherwise Kaft's database cache (:mod:`kaft.core.cache`). Keys are
keyed hashes (HMAC with the secret key): the cache holds no card number, address or member id.

Count *outside* a transaction that a refusal rolls back: with the database cache a count written
inside it would be rolled back with it. The services that use a limit check and count before
they open their transaction.

(django-axes keeps its own count of failed logins, per normalised username and IP address, in
its tables; see :func:`kaft.members.auth.login_username`.)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.utils.crypto import salted_hmac

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR


@dataclass(frozen=True)
class Limit:
    """At most ``attempts`` counted attempts per subject within ``window`` seconds."""

    name: str
    attempts: int
    window: int

    def key(self, subject: object) -> str:
        digest = salted_hmac("kaft.core.limits", f"{self.name}:{subject}", algorithm="sha256")
        return f"kaft:limit:{self.name}:{digest.hexdigest()[:40]}"


# Wrong current passwords (changing the password or e-mail address, deleting the account), per
# member: one count for all those forms, so none of them is a way round another.
CURRENT_PASSWORD = Limit("current_password", attempts=5, window=HOUR)
# Wrong one-time codes from the desk, per card number typed.
RESET_CODE = Limit("reset_code", attempts=5, window=HOUR)
# Requests for a reset link by e-mail, per card number or e-mail address typed.
RESET_LINK = Limit("reset_link", attempts=3, window=HOUR)
# Family-access requests whose card number and last name do not match, per asking member.
FAMILY_REQUEST = Limit("family_request", attempts=5, window=DAY)
# Requests to change the e-mail address (each sends a link to an address), per member.
EMAIL_CHANGE = Limit("email_change", attempts=3, window=HOUR)
# Wrong kiosk PINs (self-service, SIP2), per member: a card found in the street gives a finder
# five tries an hour, not the ten thousand a four-digit PIN needs.
KIOSK_PIN = Limit("kiosk_pin", attempts=5, window=HOUR)
# Wrong kiosk-account passwords at SIP2 login, per login name.
KIOSK_LOGIN = Limit("kiosk_login", attempts=10, window=HOUR)
# Joining online (each sends a link to an address): per client address (an IPv6 /64, as the
# login counts it), and per e-mail address given.
SIGNUP = Limit("signup", attempts=5, window=HOUR)
SIGNUP_EMAIL = Limit("signup_email", attempts=3, window=DAY)
# Newsletter sign-ups on the public page (each sends a link to an address): as joining online,
# per client address and per e-mail address given.
NEWSLETTER_SIGNUP = Limit("newsletter_signup", attempts=5, window=HOUR)
NEWSLETTER_EMAIL = Limit("newsletter_email", attempts=3, window=DAY)
# Entries in a contest from its public page (no login), per client address.
CONTEST_ENTRY = Limit("contest_entry", attempts=10, window=HOUR)

LIMITS: tuple[Limit, ...] = (
    CURRENT_PASSWORD,
    RESET_CODE,
    RESET_LINK,
    FAMILY_REQUEST,
    EMAIL_CHANGE,
    KIOSK_PIN,
    KIOSK_LOGIN,
    SIGNUP,
    SIGNUP_EMAIL,
    NEWSLETTER_SIGNUP,
    NEWSLETTER_EMAIL,
    CONTEST_ENTRY,
)


def limit_reached(limit: Limit, subject: object) -> bool:
    """Whether ``subject`` has used up its attempts of ``limit`` in the current window."""
    return limit_count_of(limit, subject) >= limit.attempts


def limit_count_of(limit: Limit, subject: object) -> int:
    """How many attempts of ``subject`` count now (0 once the window has passed)."""
    return int(cache.get(limit.key(subject), 0))


def limit_count(limit: Limit, subject: object) -> int:
    """Count one attempt of ``subject``; returns the count including this one.

    The first attempt opens the window (``add`` is atomic); later ones increment atomically,
    in Redis and in Kaft's database cache alike, without moving the end of the window."""
    key = limit.key(subject)
    if cache.add(key, 1, limit.window):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # the window ended between add and incr: this attempt opens a new one
        cache.add(key, 1, limit.window)
        return 1


def limit_clear(limit: Limit, subject: object) -> None:
    """Forget ``subject``'s attempts (e.g. after it proved itself)."""
    cache.delete(limit.key(subject))
