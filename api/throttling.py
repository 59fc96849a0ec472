"""Rate limits, counted in the "api-throttle" cache (shared by all web processes)."""

from django.core.cache import caches
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _SharedRate:
    @property
    def cache(self):
        return caches["api-throttle"]

    def get_rate(self):
        # Read at each request, not once at import like DRF's own classes, so that a change
        # of settings (a test's override) applies.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class UserThrottle(_SharedRate, UserRateThrottle):
    pass


class AnonThrottle(_SharedRate, AnonRateThrottle):
    pass
