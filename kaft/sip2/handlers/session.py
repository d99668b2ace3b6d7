"""Login (93/94), status (99/98) and end of a member's session (35/36).

The login checks the kiosk account (:func:`kaft.sip2.accounts.kiosk_account_authenticate`,
with its attempt limit) and the location (CP: the branch's ISIL or code, when sent); a failed
login signs the connection out. The status tells the kiosk what it may do: the ok flags and the
supported-messages field (BX) show only messages that have a handler *and* that the account may
use. Before login the status permits nothing and names no institution.
"""

from __future__ import annotations

from django.utils.translation import gettext

from kaft.core.library import library
from kaft.sip2.accounts import kiosk_account_authenticate
from kaft.sip2.models import KioskAccount
from kaft.sip2.protocol import HANDLERS, Request, Response, Session, flag, handles, sip_date

# The supported-messages field (BX): one Y/N per request, in the standard's order.
SUPPORTED_MESSAGES_ORDER = (
    "23",  # patron status
    "11",  # checkout
    "09",  # checkin
    "01",  # block patron
    "99",  # SC/ACS status
    "97",  # request SC/ACS resend
    "93",  # login
    "63",  # patron information
    "35",  # end patron session
    "37",  # fee paid
    "17",  # item information
    "19",  # item status update
    "25",  # patron enable
    "15",  # hold
    "29",  # renew
    "65",  # renew all
)
# Answered by the server or by this module whatever the account's list says.
SESSION_MESSAGES = frozenset({"93", "97", "99"})
PROTOCOL_VERSION = "2.00"
TIMEOUT_PERIOD = "050"  # tenths of a second the kiosk waits for an answer
RETRIES_ALLOWED = "003"


def offered(account: KioskAccount | None, command: str) -> bool:
    """Whether the kiosk may send ``command`` now: session messages always, others only after
    login, with a handler, and when the account allows them."""
    if command in SESSION_MESSAGES:
        return True
    return account is not None and command in HANDLERS and account.may_use(command)


def supported_messages(account: KioskAccount | None) -> str:
    """The BX field for ``account`` (None: before login)."""
    return "".join(flag(offered(account, command)) for command in SUPPORTED_MESSAGES_ORDER)


def _location_matches(account: KioskAccount, location: str) -> bool:
    wanted = location.strip().casefold()
    return wanted in {account.branch.isil.casefold(), account.branch.code.casefold()}


@handles("93")
def login(session: Session, request: Request) -> Response:
    """93 login: CN login, CO password, CP location (optional: the branch's ISIL or code)."""
    account = kiosk_account_authenticate(login=request.get("CN"), password=request.get("CO"))
    location = request.get("CP").strip()
    if account is not None and location and not _location_matches(account, location):
        account = None
    session.account = account
    return Response("94", "1" if account is not None else "0")


@handles("99")
def status(session: Session, request: Request) -> Response:
    """99 SC status: what the kiosk may do, for which institution, in which library."""
    account = session.account
    fixed = (
        "Y"  # on-line
        + flag(offered(account, "09"))  # checkin ok
        + flag(offered(account, "11"))  # checkout ok
        + flag(offered(account, "29"))  # ACS renewal policy: the kiosk may renew
        + flag(offered(account, "19"))  # status update ok
        + "N"  # off-line ok: Kaft does not take off-line transactions
        + TIMEOUT_PERIOD
        + RETRIES_ALLOWED
        + sip_date()
        + PROTOCOL_VERSION
    )
    response = Response("98", fixed)
    if account is None:
        response.add("AO", "")
        response.add("AM", library().name)
        response.add("BX", supported_messages(None))
        response.add("AF", gettext("Kiosk not signed in."))
        return response
    response.add("AO", account.branch.isil)
    response.add("AM", library().name)
    response.add("BX", supported_messages(account))
    response.add("AN", account.branch.code)
    response.add("AF", account.branch.name)
    return response


@handles("35")
def end_session(session: Session, request: Request) -> Response:
    """35 end patron session: always ended (Kaft keeps no member state per connection)."""
    response = Response("36", "Y" + sip_date())
    response.add("AO", request.get("AO"))
    response.add("AA", request.get("AA"))
    response.add("AF", gettext("Thank you, goodbye."))
    return response
