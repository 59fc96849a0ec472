from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _


class AcceptInvitationForm(SetPasswordForm):
    """The password of a new portal login; Django's password validators apply."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Choose a password")
        self.fields["new_password2"].label = _("Repeat the password")
