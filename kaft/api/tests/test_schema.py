"""schemathesis over every operation of the API's OpenAPI document: no answer is a server error,
every status is declared and every body matches the schema.

The requests carry a valid token of a member's app with every scope, so the authenticated paths
are walked, not only the 401s; a member with a loan, a hold and a charge, and a copy on the
shelf, give the generated ids something to hit now and then. Few examples per operation keep it
quick.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationConfig

from kaft.api.tests.wsgi import wsgi_app
from kaft.billing.models import ChargeKind
from kaft.billing.services.charges import charge_create
from kaft.members.models import Member
from tests.factories import BranchFactory, ItemFactory, LoanRuleFactory, MemberFactory
from tests.factories_api import Token, api_token
from tests.factories_portal import HoldFactory, LoanFactory

# django-ninja writes OpenAPI 3.1; schemathesis 3.39 checks it behind this switch.
schemathesis.experimental.OPEN_API_3_1.enable()

ALL_SCOPES = ("catalog:read", "availability:read", "circulation:write", "members:read", "me")


@pytest.fixture
def api_schema(db: None) -> Iterator[Any]:
    with wsgi_app() as app:
        yield schemathesis.from_wsgi("/api/v1/openapi.json", app)


# The token is the test's own (a generated "Authorization" header would only be a 401).
schema = schemathesis.from_pytest_fixture(
    "api_schema", generation_config=GenerationConfig(with_security_parameters=False)
)


@pytest.fixture
def token(db: None) -> Token:
    LoanRuleFactory.create()
    branch = BranchFactory.create(code="centrum", isil="NL-KaftC")
    member: Member = MemberFactory.create(home_branch=branch)
    LoanFactory.create(member=member)
    HoldFactory.create(member=member, pickup_branch=branch)
    ItemFactory.create(home_branch=branch, barcode="300000000999")
    charge_create(member=member, kind=ChargeKind.DAMAGE, amount=Decimal("2.50"))
    assert member.user is not None
    return api_token(*ALL_SCOPES, user=member.user, name="Schema-app", rate_per_minute=100_000)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    database=None,  # no example database left in the project tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_its_schema_says(case: Any, token: Token) -> None:
    case.headers = case.headers or {}  # the check below writes a wrong token into it
    response = case.call_wsgi(headers=token.headers)
    # Told which headers were the test's, schemathesis also sends the request without the token
    # and with a wrong one (both must be 401).
    case.validate_response(
        response, headers=token.headers, transport_kwargs={"headers": token.headers}
    )
