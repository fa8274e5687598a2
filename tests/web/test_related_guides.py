from http import HTTPStatus

import pytest
from django.urls import reverse

from guides.models import CertificateType, Situation

pytestmark = pytest.mark.django_db


def related_links(html):
    start = html.index('aria-labelledby="related-heading"')
    return html[start : html.index("</nav>", start)]


def test_guide_links_to_other_situations_and_other_certificate_types(client, content):
    response = client.get(reverse("guides:guide", args=["professional-title", "lost"]))
    nav = related_links(response.text)

    for situation in Situation.objects.exclude(slug="lost"):
        assert f'href="{reverse("guides:guide", args=["professional-title", situation.slug])}"' in nav
    for cert in CertificateType.objects.exclude(slug="professional-title"):
        assert f'href="{reverse("guides:guide", args=[cert.slug, "lost"])}"' in nav
    assert f'href="{reverse("guides:guide", args=["professional-title", "lost"])}"' not in nav


def test_every_related_link_works(client, content):
    response = client.get(reverse("guides:guide", args=["skill-certificate", "cross-province"]))
    nav = related_links(response.text)
    links = [part.split('"')[0] for part in nav.split('href="')[1:]]

    assert len(links) == 3 + 2
    for link in links:
        assert client.get(link).status_code == HTTPStatus.OK
