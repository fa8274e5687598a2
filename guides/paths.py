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


@functools.lru_cache(maxsize=4096)
def _reverse(script_prefix, name, args):
    return reverse(name, args=args)
