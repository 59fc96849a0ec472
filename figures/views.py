"""Staff pages of the figures: import a file in two steps; read and enter a distributor's."""

from collections import Counter

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from distributors.models import Distributor
from prm.permissions import account_manager_required, staff_member_required

from . import selectors, services
from .forms import FigureEntryForm, FigureUploadForm, KindSharingForm
from .models import FigureKind, FigureSource

PREVIEW_PAGE_SIZE = 100
FIGURES_PAGE_SIZE = 120
# More errors than this are a wrong file, not rows to fix one by one.
ERRORS_SHOWN = 500


@require_http_methods(["GET", "POST"])
@account_manager_required
def import_list(request):
    form = FigureUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        figure_import = services.do_upload_figures(request.user, form.cleaned_data["file"])
        return redirect(figure_import)
    return render(
        request,
        "figures/import_list.html",
        {"form": form, "imports": selectors.imports_of(request.user)},
    )


def _own_import(request, pk):
    figure_import = selectors.import_of(request.user, pk)
    if figure_import is None:
        raise Http404
    return figure_import


@require_GET
@account_manager_required
def import_detail(request, pk):
    figure_import = _own_import(request, pk)
    context = {"import": figure_import}
    if figure_import.status == figure_import.Status.PREVIEW:
        rows = selectors.preview_rows(figure_import)
        context.update(
            page=Paginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page")),
            counts=Counter(row["state"] for row in rows),
            errors=figure_import.errors[:ERRORS_SHOWN],
        )
    return render(request, "figures/import_detail.html", context)


@require_GET
@account_manager_required
def import_progress(request, pk):
    """The progress of a saving import, polled every second by htmx until it is done."""
    return render(request, "figures/_import_progress.html", {"import": _own_import(request, pk)})


@require_POST
@account_manager_required
def import_confirm(request, pk):
    figure_import = _own_import(request, pk)
    if not services.do_confirm_import(figure_import):
        messages.error(request, _("This import can no longer be confirmed: upload the file again."))
    return redirect(figure_import)


@require_http_methods(["GET", "POST"])
@staff_member_required
def distributor_figures(request, pk):
    distributor = get_object_or_404(Distributor, pk=pk)
    form = None
    if request.user.is_account_manager:
        form = FigureEntryForm(request.POST or None, kinds=FigureKind.objects.all())
        if request.method == "POST" and form.is_valid():
            _figure, changed = services.do_record_figure(
                user=request.user,
                distributor=distributor,
                source=FigureSource.STAFF,
                **form.cleaned_data,
            )
            if changed:
                messages.success(request, _("The figure was saved."))
            else:
                messages.info(request, _("The figure already had this value: nothing changed."))
            return redirect("figures:distributor", pk=distributor.pk)
    elif request.method == "POST":
        # Executives read the figures; entering them is the account manager's.
        raise PermissionDenied
    return render(
        request,
        "figures/distributor.html",
        {
            "distributor": distributor,
            "trends": selectors.distributor_trends(distributor, request.user),
            "page_obj": Paginator(
                selectors.figures_of(distributor, request.user), FIGURES_PAGE_SIZE
            ).get_page(request.GET.get("page")),
            "form": form,
        },
    )


@require_GET
@staff_member_required
def distributor_trend(request, pk):
    """The trend charts of the distributor page, loaded by htmx after the page itself.

    Apart, so that the distributor page keeps its own fixed number of queries.
    """
    distributor = get_object_or_404(Distributor, pk=pk)
    return render(
        request,
        "figures/_trend.html",
        {
            "distributor": distributor,
            "trends": selectors.distributor_trends(distributor, request.user),
            "figures_url": reverse("figures:distributor", args=[distributor.pk]),
        },
    )


@require_GET
@staff_member_required
def kind_list(request):
    """The kinds of figures and which of them the distributors see and enter in the portal."""
    return render(
        request,
        "figures/kinds.html",
        {"kinds": selectors.kinds_with_counts(), "can_change": request.user.is_account_manager},
    )


@require_POST
@account_manager_required
def kind_share(request, pk):
    kind = get_object_or_404(FigureKind, pk=pk)
    form = KindSharingForm(request.POST)
    if not form.is_valid():
        # The page's buttons always send a choice: anything else is not a request of it.
        return HttpResponseBadRequest()
    shared = form.cleaned_data["shared"]
    if services.do_share_kind(kind, shared, user=request.user):
        if shared:
            message = _("Distributors now see and enter “%(kind)s” in the portal.")
        else:
            message = _("Distributors no longer see or enter “%(kind)s”.")
        messages.success(request, message % {"kind": kind.name})
    return redirect("figures:kinds")
