import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..seo import guide_json_ld

register = template.Library()

# The same escapes as Django's json_script: nothing in the data can close the
# <script> element or start markup, whatever an editor typed.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """Return this page's absolute URL without its query string."""
    request = context.get("request")
    return request.build_absolute_uri(request.path) if request else ""


@register.simple_tag
def json_ld(data):
    """Render `data` as an inert JSON-LD data block (not script, so the CSP needs no exception)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag(takes_context=True)
def guide_structured_data(context):
    """Render the HowTo and FAQPage JSON-LD blocks for the guide page in `context`."""
    description = f"{context['page_title']}：能否补办、申请材料、办理步骤、办理时限和费用。"
    objects = guide_json_ld(
        guide=context["guide"],
        fee_estimate=context.get("fee_estimate"),
        page_title=context["page_title"],
        description=description,
        url=canonical_url(context),
    )
    return mark_safe("".join(json_ld(obj) for obj in objects))
