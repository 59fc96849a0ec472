"""The link of a portal invitation: the contact sets a password and enters the portal."""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from distributors import services
from distributors.models import PortalInvitation

from ..forms.invitations import AcceptInvitationForm


def _unusable(request, state):
    """Why the link no longer works, without a word about whom it was for."""
    return render(
        request,
        "portal/invitation_unusable.html",
        {"state": state},
        status=404 if state is None else 410,
    )


# Anyone holding the link may use it: the token in the address is the credential.
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    invitation = PortalInvitation.objects.for_token(token)
    if invitation is None:
        return _unusable(request, None)
    # The page speaks the language of the e-mail that brought the contact here.
    translation.activate(invitation.contact.language)
    request.LANGUAGE_CODE = invitation.contact.language
    state = invitation.state()
    login_user = invitation.contact.portal_user
    # The login was unlinked, switched on by hand or replaced since the e-mail was sent.
    if state == PortalInvitation.State.VALID and not services.awaits_invitation(login_user):
        state = PortalInvitation.State.REVOKED
    if state != PortalInvitation.State.VALID:
        return _unusable(request, state)

    form = AcceptInvitationForm(login_user, request.POST if request.method == "POST" else None)
    if form.is_valid():
        if not services.do_accept_invitation(invitation, form.cleaned_data["new_password1"]):
            # Used or revoked a moment ago, in another tab or by the account manager.
            return _unusable(request, PortalInvitation.objects.for_token(token).state())
        # The new password changes the session's hash: log in with the login as saved.
        login_user.refresh_from_db()
        login(request, login_user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Welcome to the partner portal. Sign in next time as %(username)s.")
            % {"username": login_user.username},
        )
        return redirect("portal:home")
    return render(
        request,
        "portal/invitation_accept.html",
        {"form": form, "username": login_user.username, "expires_at": invitation.expires_at},
    )
