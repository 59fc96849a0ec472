"""Login protection with django-axes (settings: AXES_*).

Axes counts failed logins per username and client address and refuses a locked-out pair
before the password is even checked.
"""

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_username
from django.conf import settings
from django.shortcuts import render


class LoginAttemptBackend(AxesStandaloneBackend):
    """Axes' lockout check for every login made over the web.

    A login form always passes the request. authenticate() without one comes from code on
    the server (a management command, the test client's login()), where there is no
    address to count failures for: this backend abstains and the next one decides.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request):
    """The address the request came from, as the trusted reverse proxies report it.

    Each of the PRM_TRUSTED_PROXY_COUNT proxies appends the address it received the request
    from to X-Forwarded-For, so the client's is that many entries from the right; anything
    further left was written by the client and could be forged.
    """
    proxies = settings.PRM_TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response, credentials):
    """The page a locked-out login gets: what happened, for how long, and what to do."""
    return render(
        request,
        "registration/locked_out.html",
        {
            "username": get_client_username(request, credentials) or "",
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "minutes": round(settings.AXES_COOLOFF_TIME.total_seconds() / 60),
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
