"""A signed-in user's own settings: language and time zone."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from .models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["language", "time_zone"]

    def save(self, commit=True):
        # These fields only: a save of every field could have renamed an account manager,
        # and would make every process compute its dashboards again (prm/signal_inputs.py).
        user = super().save(commit=False)
        if commit:
            user.save(update_fields=self.Meta.fields)
        return user


@require_POST
def set_language(request):
    """Django's language switch, which also remembers the choice for a signed-in user."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        if user.preferred_language:
            translation.activate(user.preferred_language)
        messages.success(request, _("Your settings were saved."))
        response = redirect("profile")
        # The cookie follows, so that the login page after logging out speaks it too.
        if user.language:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language)
        return response
    base = "portal/base.html" if request.user.is_distributor_user else "base.html"
    return render(request, "prm/profile.html", {"form": form, "base_template": base})
