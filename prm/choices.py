from django.db import models
from django.utils.translation import gettext_lazy as _


class Side(models.TextChoices):
    """Which side of the partnership a person or an item belongs to."""

    OURS = "ours", _("Our side")
    DISTRIBUTOR = "distributor", _("Distributor side")


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    JAPANESE = "ja", _("Japanese")
