"""Small builders for focused test data (the real fixtures are loaded by `content`)."""

import itertools
from datetime import date

from guides.models import CertificateType, Fee, Material, Region, Situation, Step

_seq = itertools.count()
TODAY = date(2026, 11, 26)


def certificate_type(**kwargs):
    n = next(_seq)
    defaults = {
        "slug": f"cert-{n}",
        "name": f"证书{n}",
        "short_name": f"证{n}",
        "category": "professional",
        "is_published": True,
    }
    return CertificateType.objects.create(**{**defaults, **kwargs})


def situation(kind=Situation.Kind.REASON, **kwargs):
    n = next(_seq)
    defaults = {"slug": f"sit-{n}", "name": f"情形{n}", "title": f"情形{n}补办", "kind": kind, "is_published": True}
    return Situation.objects.create(**{**defaults, **kwargs})


def region(**kwargs):
    n = next(_seq)
    defaults = {
        "code": f"{n:06d}",
        "slug": f"region-{n}",
        "name": f"地区{n}",
        "short_name": f"区{n}",
        "is_published": True,
    }
    return Region.objects.create(**{**defaults, **kwargs})


def material(certificate_types=(), situations=(), regions=(), **kwargs):
    n = next(_seq)
    item = Material.objects.create(**{"key": f"material-{n}", "name": f"材料{n}", "is_published": True, **kwargs})
    item.certificate_types.set(certificate_types)
    item.situations.set(situations)
    item.regions.set(regions)
    return item


def fee(situations=(), regions=(), **kwargs):
    n = next(_seq)
    item = Fee.objects.create(**{"key": f"fee-{n}", "name": f"费用{n}", "is_published": True, **kwargs})
    item.situations.set(situations)
    item.regions.set(regions)
    return item


def step(**kwargs):
    n = next(_seq)
    return Step.objects.create(**{"key": f"step-{n}", "title": f"步骤{n}", "is_published": True, **kwargs})
