"""Every sentence fits the reader's situation: certificate type, reason, circumstance and region.

These tests load the real fixtures and read the guide pages and checker outcomes as a
person in one situation would."""

from http import HTTPStatus
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from guides.content.catalogue import get_catalogue

pytestmark = pytest.mark.django_db

TYPES = ("professional-qualification", "skill-certificate", "professional-title")


def guide(client, cert, situation, region=None):
    if region:
        url = reverse("guides:guide_region", args=[cert, situation, region])
    else:
        url = reverse("guides:guide", args=[cert, situation])
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    return response.context["guide"]


def keys(items):
    return {item.key for item in items}


def checker(client, **answers):
    return client.get(f"{reverse('guides:check_result')}?{urlencode(answers)}", follow=True)


def today():
    return timezone.localdate()


# ── 职称 certificates have no period of validity ────────────────────────────


@pytest.mark.parametrize("situation", ["lost", "damaged", "cross-province", "urgent"])
def test_a_professional_title_is_not_asked_whether_it_is_still_valid(client, content, situation):
    assert "still-valid" not in keys(guide(client, "professional-title", situation).preconditions)
    assert "still-valid" in keys(guide(client, "professional-qualification", situation).preconditions)
    assert "still-valid" in keys(guide(client, "skill-certificate", situation).preconditions)


def test_a_professional_title_holder_is_never_sent_to_renew(client, content):
    answers = {
        "cert": "professional-title",
        "reason": "lost",
        "not-deliberately-destroyed": "yes",
        "identity-unchanged": "yes",
        "still-valid": "no",
        "issued-in": "110000",
        "living-in": "110000",
        "urgent": "no",
        "delivery": "mail",
        "date": today().isoformat(),
    }
    response = checker(client, **answers)
    assert response.status_code == HTTPStatus.OK
    assert "still-valid" not in response.redirect_chain[-1][0]
    assert response.context["state"].outcome.kind == "guide"
    assert "续期" not in response.content.decode()
    catalogue = get_catalogue()
    title = catalogue.certificate_type("professional-title")
    assert "续期" not in title.validity_notes
