"""Reads for the import pages: an uploader's imports, and a preview row by row."""

from django.utils import translation
from django.utils.text import capfirst

from .imports import plan_contacts, plan_distributors
from .models import Contact, Distributor, DistributorImport, Prefecture


def imports_of(user):
    return DistributorImport.objects.filter(uploaded_by=user).defer("rows", "errors")[:20]


def import_of(user, pk):
    """`user`'s own import, else None: an import is its uploader's."""
    return DistributorImport.objects.filter(uploaded_by=user, pk=pk).first()


def _display(model, name, value, prefectures):
    if name == "prefectures":
        return ", ".join(prefectures[pk] for pk in value) or "—"
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    return value


PREVIEW_FIELDS = {
    DistributorImport.Kind.DISTRIBUTORS: (
        Distributor,
        ("name_en", "name_ja", "role", "status", "prefectures"),
    ),
    DistributorImport.Kind.CONTACTS: (
        Contact,
        ("name_latin", "name_kanji", "seniority", "email", "title"),
    ),
}


def preview_columns(distributor_import):
    """The (field, heading) pairs of the preview table, after the row and the key."""
    model, names = PREVIEW_FIELDS[distributor_import.kind]
    return [(name, capfirst(model._meta.get_field(name).verbose_name)) for name in names]


def preview_rows(distributor_import, columns):
    """Each row as it will be saved: new, what it changes, or unchanged; with the values of
    `columns` as the page shows them (None where the file leaves what is stored)."""
    if distributor_import.kind == DistributorImport.Kind.DISTRIBUTORS:
        model, steps = Distributor, plan_distributors(distributor_import.rows)
    else:
        model, steps = Contact, plan_contacts(distributor_import.rows)
    japanese = (translation.get_language() or "").startswith("ja")
    prefectures = {
        prefecture.pk: prefecture.name_ja if japanese else prefecture.name_en
        for prefecture in Prefecture.objects.all()
    }
    order = [model_field.name for model_field in model._meta.get_fields()]
    rows = []
    for step in steps:
        values = dict(step.row["fields"])
        if "prefectures" in step.row:
            values["prefectures"] = step.row["prefectures"]
        rows.append(
            {
                "line": step.row["line"],
                "key": step.row.get("code") or step.row.get("distributor"),
                "cells": [
                    _display(model, name, values[name], prefectures) if name in values else None
                    for name, _heading in columns
                ],
                "state": step.state,
                "changes": ", ".join(
                    str(model._meta.get_field(name).verbose_name)
                    for name in sorted(step.changes, key=order.index)
                )
                if step.target is not None
                else "",
            }
        )
    return rows
