"""Writes for distributors and their contacts. Views call these with validated data."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Contact, Distributor


def _assign(instance, fields):
    for name, value in fields.items():
        setattr(instance, name, value)


def do_create_distributor(*, prefectures=(), product_categories=(), **fields):
    distributor = Distributor.objects.create(**fields)
    distributor.prefectures.set(prefectures)
    distributor.product_categories.set(product_categories)
    return distributor


def do_update_distributor(distributor, *, prefectures=(), product_categories=(), **fields):
    _assign(distributor, fields)
    distributor.save()
    distributor.prefectures.set(prefectures)
    distributor.product_categories.set(product_categories)
    return distributor


def do_archive_distributor(distributor):
    """Take a distributor out of the workspace; its history stays.

    An active partner may not buy from an archived one (see Distributor.clean), so a
    distributor that active partners buy from is refused until they are moved.
    """
    if distributor.is_archived:
        return distributor
    buyers = list(distributor.downstream.active().order_by("name_en"))
    if buyers:
        raise ValidationError(
            _("%(names)s buy from this distributor: give them another upstream first.")
            % {"names": ", ".join(buyer.name_en for buyer in buyers)}
        )
    distributor.archived_at = timezone.now()
    distributor.save(update_fields=["archived_at", "updated_at"])
    return distributor


def do_restore_distributor(distributor):
    """Bring an archived distributor back, unless its upstream is still archived."""
    if not distributor.is_archived:
        return distributor
    distributor.archived_at = None
    distributor.clean()
    distributor.save(update_fields=["archived_at", "updated_at"])
    return distributor


def do_create_contact(distributor, **fields):
    return Contact.objects.create(distributor=distributor, **fields)


def do_update_contact(contact, **fields):
    _assign(contact, fields)
    contact.save()
    return contact


def do_archive_contact(contact):
    if not contact.is_archived:
        contact.archived_at = timezone.now()
        contact.save(update_fields=["archived_at", "updated_at"])
    return contact


def do_restore_contact(contact):
    if contact.is_archived:
        contact.archived_at = None
        contact.save(update_fields=["archived_at", "updated_at"])
    return contact
