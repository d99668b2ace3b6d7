"""Two rules for the same combination cannot exist, "any branch / any category" included."""

import pytest
from django.db import IntegrityError, transaction

from kaft.circulation.models import LoanRule
from tests.factories import BranchFactory, LoanRuleFactory


@pytest.mark.django_db
def test_a_second_default_rule_is_refused_by_the_database() -> None:
    LoanRuleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        LoanRuleFactory(loan_days=14)
    assert LoanRule.objects.count() == 1


@pytest.mark.django_db
def test_the_same_item_type_may_have_a_rule_per_branch() -> None:
    LoanRuleFactory(item_type="av", loan_days=7)
    LoanRuleFactory(item_type="av", branch=BranchFactory(), loan_days=14)
    assert LoanRule.objects.count() == 2
