from django import forms
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.utils.translation import gettext_lazy as _

from .forms import AdminLoginForm
from .models import User
from .roles import role_conflict

admin.site.login_form = AdminLoginForm


class UserChangeForm(BaseUserChangeForm):
    def clean_groups(self):
        # The m2m guard in prm.roles would refuse the same groups on save, as a 500.
        groups = self.cleaned_data["groups"]
        added = {group.name for group in groups} - self.instance.role_names
        if added and (problem := role_conflict(self.instance, added)):
            raise forms.ValidationError(problem)
        return groups


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
    form = UserChangeForm
    fieldsets = (
        *auth_admin.UserAdmin.fieldsets,
        (_("Preferences"), {"fields": ("time_zone",)}),
    )
    list_display = (*auth_admin.UserAdmin.list_display, "portal_contact")
    list_select_related = ("portal_contact",)

    @admin.display(description=_("portal contact"))
    def portal_contact(self, user):
        return getattr(user, "portal_contact", None)
