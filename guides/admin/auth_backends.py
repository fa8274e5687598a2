"""The login-lockout backend (django-axes), tolerant of logins made without a request."""

from axes.backends import AxesStandaloneBackend


class AxesBackend(AxesStandaloneBackend):
    """Lock out repeated failed logins; pass over logins that carry no request.

    Every web login (the admin login form) passes the request, so lockout applies
    to all of them. `authenticate()` without a request comes from code run on the
    server itself (the test client's `login()`, a shell); axes would raise there, and
    there is no client address to lock out, so this backend steps aside.
    """

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
