"""What a user may see of each model, decided in one place.

Every model the partner portal shows has a queryset with `visible_to(user)`: our staff
see everything, a distributor's user sees only what the model's `portal_filter` admits
for their own distributor, and anyone else sees nothing. Portal views read through it
alone (and `visible_or_404`), so a view cannot forget the distributor filter: without
`visible_to` it has no queryset to read from.
"""

from django.db import models
from django.http import Http404


class VisibleToQuerySet(models.QuerySet):
    def portal_filter(self, distributor):
        """The Q of the rows `distributor`'s users may see, or None for no row at all."""
        raise NotImplementedError(f"{self.model.__name__} does not say what its portal shows")

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_staff_member:
            return self.all()
        distributor = user.portal_distributor
        if distributor is None:
            return self.none()
        condition = self.portal_filter(distributor)
        return self.none() if condition is None else self.filter(condition)


def visible_or_404(queryset, user, **lookup):
    """The one object of `queryset` that `user` may see, else 404.

    A 404, not a 403: to a distributor's user, another distributor's object must not
    even be confirmed to exist.
    """
    try:
        return queryset.visible_to(user).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None
