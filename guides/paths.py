"""URL paths by name, reversed once per script prefix (the `{% url %}` tag and the views use it).

A path depends only on the URLconf, the script prefix and the arguments. Reversing one
costs about 50 µs, and a guide page or a checker outcome links to the same few paths on
every request (an outcome to every question it asked), so each is reversed once.
"""

import functools

from django.urls import get_script_prefix, reverse


def path(name, *args):
    """Return the path of the named URL with `args` (like `reverse(name, args=args)`)."""
    return _reverse(get_script_prefix(), name, args)


def admin_change_path(obj):
    """Return the admin page where an editor changes `obj` (a row of any registered model)."""
    return path(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", obj.pk)


@functools.lru_cache(maxsize=4096)
def _reverse(script_prefix, name, args):
    return reverse(name, args=args)
