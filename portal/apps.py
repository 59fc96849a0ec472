from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The distributor's side of PRM: pages for a distributor's own people.

    Apart from the staff pages, as pretix keeps its customer pages apart from its
    control panel. It owns no model: it reads and writes the domain apps' models through
    their `visible_to` querysets and services.
    """

    name = "portal"
    verbose_name = _("Partner portal")
