from django.utils import timezone, translation


class UserTimezoneMiddleware:
    """Show times in the zone the user chose (stored times stay in UTC)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.time_zone:
            timezone.activate(user.time_zone)
        else:
            timezone.deactivate()
        return self.get_response(request)


class UserLanguageMiddleware:
    """Speak the language the signed-in user prefers, whatever the browser asks for.

    Runs after authentication; Django's LocaleMiddleware before it has already chosen
    from the cookie or the browser, which is what anonymous pages (the login) keep.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = user.preferred_language if user is not None and user.is_authenticated else None
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
