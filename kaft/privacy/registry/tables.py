"""The register itself: every table with personal data (one module per part of Kaft), and the
tables that only look like it."""

from __future__ import annotations

from kaft.privacy.registry.table import PersonalTable
from kaft.privacy.registry.tables_activity import ACTIVITY
from kaft.privacy.registry.tables_api import API
from kaft.privacy.registry.tables_billing import BILLING
from kaft.privacy.registry.tables_interlibrary import INTERLIBRARY
from kaft.privacy.registry.tables_members import MEMBERS
from kaft.privacy.registry.tables_outreach import OUTREACH
from kaft.privacy.registry.tables_privacy import PRIVACY, THIRD_PARTY

REGISTRY: list[PersonalTable] = [
    *MEMBERS,
    *ACTIVITY,
    *BILLING,
    *PRIVACY,
    *THIRD_PARTY,
    *API,
    *INTERLIBRARY,
    *OUTREACH,
]

# Models whose fields look personal, or that lie within two links of a member or a login, but hold
# no member's personal data. The registry test accepts these, only with a reason, and never a
# model whose rows point at a member (directly or through one other table): such rows are the
# member's and belong in REGISTRY.
NOT_PERSONAL: dict[str, str] = {
    "catalog.Branch": "A branch's name and address are the library's, not a person's.",
    "catalog.Record": "Bibliographic data: titles and authors are public.",
    "catalog.Item": "A copy of a title; who has it lives on the loan.",
    "catalog.Stocktake": "A count of a branch's shelves: branch, call numbers, when, which staff login.",
    "catalog.StocktakeScan": "A barcode scanned on a shelf during a stocktake: copies, not people.",
    "catalog.ItemEvent": (
        "What happened to a copy (added, changed, withdrawn, damaged, missing, found) and the "
        "staff login that did it; never a member."
    ),
    "catalog.RecordEvent": (
        "What happened to a title at the desk (described, changed, taken over, merged, deleted), "
        "the fields changed and the staff login that did it; never a member."
    ),
    "members.MemberCategory": "A membership category's name.",
    "members.StaffProfile": "Staff accounts: the library's own staff administration.",
    "sip2.KioskAccount": (
        "A self-service kiosk's login, branch and settings: a machine of the library, no person."
    ),
    "notices.PrintRun": (
        "The desk's print run of letters: counts, when, which staff login, and the name of its PDF. "
        "The PDF holds members' names and addresses and is deleted by the print_runs rule "
        "(kaft/privacy/services/retention/print_files.py); the row links to no member."
    ),
    "api.ApiClient": (
        "An API client's scopes, partner organisation and rate limit: a system or an app, no "
        "person."
    ),
    "oauth2_provider.Application": (
        "An app or system registered for the API (kaft api-client add): its name, client id and "
        "hashed secret. Its user field (who registered it) is never set by Kaft."
    ),
    "privacy.PartnerClient": (
        "A partner service's sign-in client (OpenID Connect): its partner organisation, sector "
        "identifier and the claims it is registered for; no person."
    ),
    "circulation.LoanRule": "Loan periods and limits per branch, category and kind of copy.",
    "privacy.Partner": "An organisation, not a person.",
    "interlibrary.LibraryPartner": (
        "A partner library: its name, ISIL, address, how it authenticates, its shared secret "
        "(encrypted) or the fingerprint of its client certificate (a library's, not a "
        "person's), and fee."
    ),
    "privacy.StatementVersion": "The library's statement text.",
    "privacy.RetentionSetting": "The library's settings.",
    "privacy.RetentionRun": "Counts only.",
    "outreach.SearchTermDay": (
        "Searches per day and normalised search term in the public catalogue: no session, member, "
        "address or time; shown to staff only for terms used often enough, and a term too rare "
        "in its month is deleted (retention rule rare_search_terms)."
    ),
    "outreach.MembersMonth": (
        "How many members joined or borrowed per month, member category and age band: counts, "
        "no member."
    ),
    "outreach.PageViewDay": (
        "Page views per day and page group, of logged-in members who consented to usage "
        "statistics and of other visitors who accepted them in the cookie banner: a count, with "
        "no member, session, address, path or title."
    ),
    "catalog.ClosedDay": "The reason a branch is closed on a day (a holiday).",
    "notices.ReminderSchedule": "The library's reminder schedule per member category: settings.",
    "notices.ReminderStep": (
        "A step of the reminder schedule (days, message, channel, charges): settings."
    ),
    "auth.Group": "A group of permissions.",
    "auth.Group_permissions": "Which permissions a group holds.",
    "members.User_groups": "Which permission groups a login is in: only staff logins are in any.",
    "members.User_user_permissions": (
        "Permissions given to one login: only staff logins are given any."
    ),
    "axes.AccessAttemptExpiration": (
        "When the lockout after a login attempt ends; deleted with its attempt, which holds the "
        "rest and is registered."
    ),
    "auth.Permission": "A permission's name.",
    "contenttypes.ContentType": "The name of a model.",
    "otp_totp.TOTPDevice": "A staff login's second factor; its name is the device's label.",
    "core.SettingChange": (
        "A change to the library's settings (a lending rule, a closed day): which, the values "
        "before and after, and the staff login that made it."
    ),
    "notices.MessageText": (
        "A message text the library wrote itself, with placeholders; no member's data."
    ),
    "core.LibraryProfile": (
        "The library's own name, address, contact details and logo, as shown in pages and letters."
    ),
    "outreach.Campaign": (
        "A contest: its question, dates, the fields it asks, prize and the staff login that "
        "made it; no entrant."
    ),
    "outreach.Draw": (
        "The draw of a contest's winners: when, among how many entries, how many winners and "
        "the staff login that drew; no entrant's name."
    ),
    "outreach.ContestDailyCount": (
        "How many entries a contest received per day and channel: counts only, kept after the "
        "entries are deleted."
    ),
    "outreach.Interest": (
        "An interest members can choose (a genre, subject, age group or a branch's activity): "
        "the library's list, with names and catalogue subjects; who chose it is elsewhere."
    ),
    "outreach.Survey": (
        "A survey of the research panel: title, introduction, dates, the partner that runs an "
        "external one and its address, and the staff login that made it; no member."
    ),
    "outreach.Question": "A question of a panel survey, its kind and choices: no member.",
    "outreach.NewsletterIssue": (
        "A newsletter issue: subject, text, audience (all, a branch or an interest), when, "
        "counts of sent, bounced and unsubscribed, and the staff login that wrote it; no member."
    ),
    "outreach.NewsletterImage": (
        "An image staff added to a newsletter issue, public once the issue is sent; no member."
    ),
    "outreach.Response": (
        "An anonymous response to a panel survey: the survey and the Monday of the week only. "
        "No link to a member or an invitation, random ids (kaft/outreach/models/panel.py); "
        "kaft/outreach/tests/test_panel_anonymous.py checks that no path leads to a member."
    ),
    "outreach.Answer": (
        "One answer of an anonymous panel response to a question; linked to no member "
        "(see outreach.Response)."
    ),
    "core.CacheEntry": (
        "The shared cache: attempt counts under keyed hashes (no card number, address or id), "
        "gone when their window ends."
    ),
}
