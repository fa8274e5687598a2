"""Today's date in the site's time zone (北京时间), worked out once a minute.

A page asks for it a dozen times (each label, each cached guide's key, the preview
check), and `timezone.localdate()` costs about 3.4 µs a call: 3.7% of a rendered guide
page under gunicorn when it was called that often (py-spy on a worker). A day starts on a minute boundary in every time zone, so the date is
the same all minute.
"""

import time

from django.conf import settings
from django.utils import timezone

# (minute since the epoch, time zone name, that minute's date)
_seen = (None, None, None)


def today():
    """Return `timezone.localdate()`, worked out once a minute (and again if the time zone setting changes)."""
    global _seen
    minute = int(time.time()) // 60
    zone = settings.TIME_ZONE
    if _seen[0] != minute or _seen[1] != zone:
        _seen = (minute, zone, timezone.localdate())
    return _seen[2]
