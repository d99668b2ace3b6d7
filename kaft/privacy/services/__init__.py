"""Privacy services other domains and doors call, one module per subject:

- :mod:`.access`: the access log (every look by staff at a member's data);
- :mod:`.consent`: consents per purpose, and the check every use of data for a purpose makes;
- :mod:`.statement`: versions of the privacy statement, who saw them, responses;
- :mod:`.disclosure`: partners, every disclosure to another organisation, police/justice requests;
- :mod:`.retention`: the daily retention job and the proof that nothing is kept too long;
- :mod:`.export` / :mod:`.erasure`: the member's rights to a copy and to be forgotten.

Import from the module (``from kaft.privacy.services.consent import consent_given``).
"""

from kaft.privacy.services.access import access_log_record, access_log_record_many

__all__ = ["access_log_record", "access_log_record_many"]
