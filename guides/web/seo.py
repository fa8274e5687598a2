"""Structured data for search engines and link previews (schema.org JSON-LD)."""

import json

from django.utils.html import strip_tags


def json_ld(data):
    """Return `data` as JSON text safe to put in a JSON-LD data block (templates/guides/guide.html, block social)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # The same escapes as Django's json_script: nothing in the data can close the
    # <script> element or start markup, whatever an editor typed. (str.replace, not
    # str.translate: translate is slow on Chinese text.)
    return text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")


def guide_json_ld(*, guide, fee_estimate, page_title, description, url):
    """Return the JSON-LD objects for a guide page: a HowTo for the steps, a FAQPage for the FAQs."""
    howto = {
        "@context": "https://schema.org",
        "@type": "HowTo",
        "name": page_title,
        "description": description,
        "inLanguage": "zh-CN",
        "url": url,
        "supply": [{"@type": "HowToSupply", "name": material.name} for material in guide.materials],
        "step": [
            {
                "@type": "HowToStep",
                "position": position,
                "name": step.title,
                "text": strip_tags(step.description) or step.title,
                "url": f"{url}#steps",
            }
            for position, step in enumerate(guide.steps, start=1)
        ],
    }
    if fee_estimate is not None and fee_estimate.total_max:
        howto["estimatedCost"] = {
            "@type": "MonetaryAmount",
            "currency": "CNY",
            "minValue": str(fee_estimate.total_min),
            "maxValue": str(fee_estimate.total_max),
        }
    objects = [howto]
    if guide.faqs:
        objects.append(
            {
                "@context": "https://schema.org",
                "@type": "FAQPage",
                "mainEntity": [
                    {
                        "@type": "Question",
                        "name": faq.question,
                        "acceptedAnswer": {"@type": "Answer", "text": faq.answer},
                    }
                    for faq in guide.faqs
                ],
            }
        )
    return objects
