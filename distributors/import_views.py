"""Importing distributors and contacts from a file: upload, preview, confirm."""

from collections import Counter

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from prm.permissions import account_manager_required

from . import import_selectors, import_services
from .import_forms import DistributorUploadForm

PREVIEW_PAGE_SIZE = 100
# More errors than this are a wrong file, not rows to fix one by one.
ERRORS_SHOWN = 500


@require_http_methods(["GET", "POST"])
@account_manager_required
def import_list(request):
    form = DistributorUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        distributor_import = import_services.do_upload_import(
            request.user, form.cleaned_data["kind"], form.cleaned_data["file"]
        )
        return redirect(distributor_import)
    return render(
        request,
        "distributors/import_list.html",
        {"form": form, "imports": import_selectors.imports_of(request.user)},
    )


def _own_import(request, pk):
    distributor_import = import_selectors.import_of(request.user, pk)
    if distributor_import is None:
        raise Http404
    return distributor_import


@require_GET
@account_manager_required
def import_detail(request, pk):
    distributor_import = _own_import(request, pk)
    context = {"import": distributor_import, "errors": distributor_import.errors[:ERRORS_SHOWN]}
    if distributor_import.can_confirm:
        columns = import_selectors.preview_columns(distributor_import)
        rows = import_selectors.preview_rows(distributor_import, columns)
        context.update(
            columns=columns,
            page=Paginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page")),
            counts=Counter(row["state"] for row in rows),
        )
    return render(request, "distributors/import_detail.html", context)


@require_POST
@account_manager_required
def import_confirm(request, pk):
    distributor_import = _own_import(request, pk)
    if not import_services.do_confirm_import(distributor_import):
        messages.error(request, _("This import can no longer be confirmed: upload the file again."))
    return redirect(distributor_import)
