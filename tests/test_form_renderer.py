"""prm.form_renderer writes selects itself, faster than Django's templates: the markup must
stay the templates' own, which the rest of the suite and the browser rely on."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer

from distributors.forms import DistributorFilterForm
from distributors.models import Prefecture
from prm.form_renderer import FormRenderer

pytestmark = pytest.mark.django_db


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Any"), ("a&b", "Tom & <Jerry>"), ("2", 1200)])
    grouped = forms.ChoiceField(
        choices=[
            ("Kanto", [("13", "Tokyo"), ("14", "Kanagawa")]),
            ("Kansai", [("27", "Osaka")]),
            ("x", "Outside a group"),
        ]
    )
    several = forms.MultipleChoiceField(
        choices=[("1", "One"), ("2", "Two"), ("3", "Three")],
        widget=forms.SelectMultiple(attrs={"class": "form-select", "data-note": 'say "hi"'}),
    )
    prefecture = forms.ModelChoiceField(queryset=Prefecture.objects.order_by("code"))
    unchosen = forms.ChoiceField(
        choices=[("1", "One")], widget=forms.Select(attrs={"disabled": True, "hidden": False})
    )


def markup(form, renderer):
    form.renderer = renderer
    return {name: str(form[name]) for name in form.fields}


def test_selects_are_written_as_djangos_templates_write_them(account_manager):
    bound = Everything({"plain": "a&b", "grouped": "27", "several": ["1", "3"], "prefecture": 13})
    for form in (
        Everything(),
        bound,
        DistributorFilterForm({"prefecture": 13}, user=account_manager),
    ):
        ours = markup(form, FormRenderer())
        assert ours == markup(form, DjangoTemplates())
    plain = markup(bound, FormRenderer())["plain"]
    assert '<option value="a&amp;b" selected>Tom &amp; &lt;Jerry&gt;</option>' in plain
    assert '<optgroup label="Kansai">' in markup(bound, FormRenderer())["grouped"]


def test_pages_use_it():
    assert isinstance(get_default_renderer(), FormRenderer)


def test_a_widget_naming_other_templates_keeps_them():
    class Starred(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    form = forms.Form()
    form.fields["pick"] = forms.ChoiceField(choices=[("1", "One")], widget=Starred)
    assert markup(form, FormRenderer()) == markup(form, DjangoTemplates())
    assert "<option" not in markup(form, FormRenderer())["pick"]


def test_it_reads_no_template_for_a_select(monkeypatch):
    def refuse(renderer, name):
        raise AssertionError(f"{name} was read")

    monkeypatch.setattr(FormRenderer, "get_template", refuse)
    assert "Kanagawa" in markup(Everything(), FormRenderer())["grouped"]
