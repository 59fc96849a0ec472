from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.db import models

# Links people paste without a scheme are web pages served over https (Django 6's default).
HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class UsernameLengthMixin:
    """A login form refusing a username longer than any user's before it is looked up.
    Django sets the field's max_length after creating it, which adds no validator, so a
    long one reached django-axes, whose failed-login record PostgreSQL refused (a 500)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class LoginForm(UsernameLengthMixin, AuthenticationForm):
    pass


class AdminLoginForm(UsernameLengthMixin, AdminAuthenticationForm):
    pass
