from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def region_options(picker):
    """Render the picker's <option>s in one pass (a template loop over 32 provinces costs more than the rest)."""
    chosen = picker.initial.get("region", "")
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if value == chosen else "", label)
            for value, label in picker.fields["region"].choices
        ),
    )
