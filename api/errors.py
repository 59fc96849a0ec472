"""Every API error is JSON with a "detail" message and a 4xx status."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

INVALID = _("Some values are not valid; see errors.")


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        # The model's own rules, raised by clean() or a service.
        exc = exceptions.ValidationError(as_serializer_error(exc))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": INVALID, "errors": response.data}
    return response


def not_found(request, *args, **kwargs):
    """An address under /api/v1/ that names no endpoint."""
    return JsonResponse({"detail": str(_("No such endpoint."))}, status=404)
