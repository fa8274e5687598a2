from django import template

register = template.Library()


@register.filter
def minutes(delta):
    """Return a timedelta as whole minutes (rounded up), for "请在 N 分钟后再试"."""
    seconds = delta.total_seconds()
    return max(1, int(-(-seconds // 60)))
