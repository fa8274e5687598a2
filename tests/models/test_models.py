from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from guides.models import Fee, ProcessingTime
from tests import builders

pytestmark = pytest.mark.django_db


def test_fee_min_above_max_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Fee.objects.create(key="bad", name="工本费", min_amount=Decimal("50"), max_amount=Decimal("20"))


def test_negative_fee_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Fee.objects.create(key="neg", name="工本费", min_amount=Decimal("-1"), max_amount=Decimal("20"))


def test_fee_clean_names_the_field():
    fee = Fee(key="bad", name="工本费", min_amount=Decimal("50"), max_amount=Decimal("20"))
    with pytest.raises(ValidationError) as error:
        fee.full_clean()
    assert "max_amount" in error.value.message_dict


def test_fee_without_amount_needs_a_basis():
    with pytest.raises(ValidationError) as error:
        Fee(key="nothing", name="快递费").full_clean()
    assert "basis" in error.value.message_dict
    Fee(key="express", name="快递费", basis="按实际重量计算").full_clean()


@pytest.mark.parametrize(("low", "high"), [(0, 5), (10, 5)])
def test_processing_time_must_be_positive_and_ordered(low, high):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessingTime.objects.create(key="t", label="审核", min_days=low, max_days=high)


def test_complex_case_cannot_be_shorter_than_normal():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessingTime.objects.create(key="t", label="审核", min_days=5, max_days=15, complex_max_days=10)


def test_effective_to_before_effective_from_is_refused():
    from datetime import date

    item = builders.material()
    item.effective_from, item.effective_to = date(2027, 1, 1), date(2026, 1, 1)
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "effective_to" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        item.save()


def test_item_cannot_replace_itself():
    item = builders.material()
    item.replaces = item
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "replaces" in error.value.message_dict
