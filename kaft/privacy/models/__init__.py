"""What the library promises the member it keeps track of (see the modules for each part)."""

from kaft.privacy.models.access import AccessLogEntry, AccessPurpose, DataPart, MachineRole
from kaft.privacy.models.categories import DataCategory, PartyRole
from kaft.privacy.models.consent import Consent, ConsentEvent, ConsentPurpose, ConsentVia
from kaft.privacy.models.disclosure import (
    AgreementKind,
    Disclosure,
    LegalBasis,
    LegalRequest,
    LegalRequestStatus,
    Partner,
)
from kaft.privacy.models.partner_clients import PartnerClaim, PartnerClient, PartnerSignIn
from kaft.privacy.models.rights import (
    ErasureRequest,
    ErasureStatus,
    RetentionRun,
    RetentionSetting,
)
from kaft.privacy.models.statement import StatementResponse, StatementSeen, StatementVersion

__all__ = [
    "AccessLogEntry",
    "AccessPurpose",
    "AgreementKind",
    "Consent",
    "ConsentEvent",
    "ConsentPurpose",
    "ConsentVia",
    "DataCategory",
    "DataPart",
    "Disclosure",
    "ErasureRequest",
    "ErasureStatus",
    "LegalBasis",
    "LegalRequest",
    "LegalRequestStatus",
    "MachineRole",
    "PartnerClaim",
    "PartnerClient",
    "PartnerSignIn",
    "Partner",
    "PartyRole",
    "RetentionRun",
    "RetentionSetting",
    "StatementResponse",
    "StatementSeen",
    "StatementVersion",
]
