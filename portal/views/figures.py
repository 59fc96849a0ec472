"""The portal's figures: its own figures of the shared kinds, entered by both sides."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from figures import selectors, services
from figures.forms import FigureEntryForm
from figures.models import FigureKind, FigureSource, PerformanceFigure
from prm.ids import is_id
from prm.permissions import portal_user_required
from prm.scoping import visible_or_404

FIGURES_PAGE_SIZE = 120


def _correction_of(request):
    """The figure named by ?correct=, to fill the form with; 404 when it is not theirs."""
    pk = request.GET.get("correct", "")
    if not pk:
        return None
    if not is_id(pk):
        raise Http404
    return visible_or_404(PerformanceFigure.objects.select_related("kind"), request.user, pk=pk)


@require_http_methods(["GET", "POST"])
@portal_user_required
def figure_list(request):
    distributor = request.user.portal_distributor
    figure = _correction_of(request)
    initial = {}
    if figure is not None:
        initial = {
            "month": f"{figure.month:%Y-%m}",
            "kind": figure.kind_id,
            "category": figure.category_id,
            "value": figure.value,
        }
    form = FigureEntryForm(
        request.POST or None, kinds=FigureKind.objects.visible_to(request.user), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        _figure, changed = services.do_record_figure(
            user=request.user,
            distributor=distributor,
            source=FigureSource.PORTAL,
            **form.cleaned_data,
        )
        if changed:
            messages.success(
                request, _("Thank you: the figure was saved and your account manager was told.")
            )
        else:
            messages.info(request, _("The figure already had this value: nothing changed."))
        return redirect("portal:figures")
    return render(
        request,
        "portal/figures.html",
        {
            "distributor": distributor,
            "trends": selectors.distributor_trends(distributor, request.user),
            "page_obj": Paginator(
                selectors.figures_of(distributor, request.user), FIGURES_PAGE_SIZE
            ).get_page(request.GET.get("page")),
            "form": form,
            "correcting": figure,
        },
    )
