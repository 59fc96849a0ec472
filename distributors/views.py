"""The distributor pages of the account managers' workspace."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dashboard.forms import PortfolioFilterForm
from dashboard.selectors import filtered_distributors
from meetings.models import Cadence
from prm import history
from prm.permissions import account_manager_required, staff_member_required

from . import selectors, services
from .forms import (
    ActivityFilterForm,
    ContactForm,
    DistributorFilterForm,
    DistributorForm,
    TimelineFilterForm,
)
from .models import Contact, Distributor

LIST_PAGE_SIZE = 25


@staff_member_required
def distributor_list(request):
    form = DistributorFilterForm(request.GET, user=request.user)
    form.is_valid()  # Filter by the fields that are valid; the others show their error.
    distributors = selectors.search_distributors(request.user, **form.cleaned_data)
    page = Paginator(distributors, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "distributors/list.html",
        {
            "form": form,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "scope": form.cleaned_data.get("scope"),
        },
    )


def _timeline_context(request, distributor):
    form = TimelineFilterForm(request.GET)
    form.is_valid()
    timeline = selectors.distributor_timeline(
        distributor,
        form.cleaned_data.get("kind", ()),
        form.cleaned_data.get("page") or 1,
        cursor=form.cleaned_data.get("before"),
    )
    return {"timeline": timeline, "timeline_form": form}


def _applied_filters(form, filters):
    """(label, value) of each of the dashboard's filters in `filters`, as the reader reads it."""
    applied = []
    for key, value in filters.items():
        field = form.fields[key]
        if not hasattr(value, "pk"):
            value = dict(field.choices).get(value, value)
        applied.append((field.label, value))
    return applied


@staff_member_required
def activity(request):
    """What happened across the distributors the dashboard's filters select, newest first:
    the entries behind a figure of the trends."""
    portfolio_form = PortfolioFilterForm(request.GET)
    filters = portfolio_form.filters()
    form = ActivityFilterForm(request.GET)
    narrowing = form.narrowing()
    kinds = form.cleaned_data.get("kind") or ()
    timeline = selectors.activity(
        filtered_distributors(archived=True, **filters),
        kinds,
        form.cleaned_data.get("page") or 1,
        cursor=form.cleaned_data.get("before"),
        **narrowing,
    )
    trends_query = urlencode({key: getattr(value, "pk", value) for key, value in filters.items()})
    return render(
        request,
        "distributors/activity.html",
        {
            "timeline": timeline,
            "summary": selectors.activity_summary(timeline.count, kinds, **narrowing),
            "applied_filters": _applied_filters(portfolio_form, filters),
            "filter_errors": [
                f"{bound.label}: {' '.join(bound.errors)}"
                for bound in [*portfolio_form, *form]
                # The unlabelled ones (paging, the dashboard's sorting) fall back unsaid.
                if bound.errors and bound.field.label
            ],
            "trends_url": reverse("dashboard:trends")
            + (f"?{trends_query}" if trends_query else ""),
        },
    )


@staff_member_required
def distributor_detail(request, pk):
    distributor = get_object_or_404(selectors.distributor_profiles(), pk=pk)
    contacts = selectors.contacts_by_seniority(distributor, with_invitations=True)
    selectors.add_portal_access(contacts["contact_groups"])
    return render(
        request,
        "distributors/detail.html",
        {
            "distributor": distributor,
            "goals": selectors.goals_with_progress(distributor),
            **contacts,
            **_timeline_context(request, distributor),
        },
    )


@staff_member_required
def distributor_timeline(request, pk):
    """The timeline alone: a fragment for htmx paging, or a page of its own without JS."""
    distributor = get_object_or_404(Distributor, pk=pk)
    # A history restore asks for the whole page, though it comes from htmx too.
    fragment = "HX-Request" in request.headers and (
        "HX-History-Restore-Request" not in request.headers
    )
    response = render(
        request,
        "distributors/_timeline.html" if fragment else "distributors/timeline.html",
        {"distributor": distributor, **_timeline_context(request, distributor)},
    )
    # The same address answers a fragment or a page: caches must tell them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@account_manager_required
def distributor_create(request):
    form = DistributorForm(
        request.POST if request.method == "POST" else None,
        initial={"account_manager": request.user},
    )
    if form.is_valid():
        distributor = services.do_create_distributor(**form.cleaned_data)
        messages.success(request, _("Distributor “%(name)s” created.") % {"name": distributor})
        return redirect(distributor)
    return render(request, "distributors/distributor_form.html", {"form": form})


@account_manager_required
def distributor_edit(request, pk):
    distributor = get_object_or_404(Distributor, pk=pk)
    form = DistributorForm(request.POST if request.method == "POST" else None, instance=distributor)
    if form.is_valid():
        services.do_update_distributor(distributor, **form.cleaned_data)
        messages.success(request, _("Changes to “%(name)s” saved.") % {"name": distributor})
        return redirect(distributor)
    return render(
        request, "distributors/distributor_form.html", {"form": form, "distributor": distributor}
    )


def _archive_action(request, pk, action, done_message):
    distributor = get_object_or_404(Distributor, pk=pk)
    try:
        action(distributor)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done_message % {"name": distributor})
    return redirect(distributor)


@account_manager_required
@require_POST
def distributor_archive(request, pk):
    return _archive_action(
        request, pk, services.do_archive_distributor, _("“%(name)s” is archived.")
    )


@account_manager_required
@require_POST
def distributor_restore(request, pk):
    return _archive_action(
        request, pk, services.do_restore_distributor, _("“%(name)s” is active again.")
    )


@account_manager_required
def contact_create(request, pk):
    distributor = get_object_or_404(Distributor, pk=pk)
    form = ContactForm(
        request.POST if request.method == "POST" else None,
        instance=Contact(distributor=distributor),
    )
    if form.is_valid():
        contact = services.do_create_contact(distributor, **form.cleaned_data)
        messages.success(request, _("Contact “%(name)s” added.") % {"name": contact})
        return redirect(contact)
    return render(
        request, "distributors/contact_form.html", {"form": form, "distributor": distributor}
    )


@account_manager_required
def contact_edit(request, pk):
    contact = get_object_or_404(Contact.objects.select_related("distributor"), pk=pk)
    form = ContactForm(request.POST if request.method == "POST" else None, instance=contact)
    if form.is_valid():
        services.do_update_contact(contact, **form.cleaned_data)
        messages.success(request, _("Changes to “%(name)s” saved.") % {"name": contact})
        return redirect(contact)
    return render(
        request,
        "distributors/contact_form.html",
        {"form": form, "distributor": contact.distributor, "contact": contact},
    )


@account_manager_required
@require_POST
def contact_archive(request, pk):
    contact = services.do_archive_contact(get_object_or_404(Contact, pk=pk))
    messages.success(request, _("“%(name)s” is archived.") % {"name": contact})
    return redirect(contact)


@account_manager_required
@require_POST
def contact_restore(request, pk):
    contact = services.do_restore_contact(get_object_or_404(Contact, pk=pk))
    messages.success(request, _("“%(name)s” is active again.") % {"name": contact})
    return redirect(contact)


@account_manager_required
@require_POST
def contact_invite(request, pk):
    contact = get_object_or_404(Contact, pk=pk)
    try:
        services.do_invite_contact(request.user, contact)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Invitation to the partner portal created for “%(name)s”.") % {"name": contact},
        )
    return redirect(contact)


@account_manager_required
@require_POST
def contact_revoke_portal(request, pk):
    contact = get_object_or_404(Contact.objects.select_related("portal_user"), pk=pk)
    try:
        services.do_revoke_portal_access(contact)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("“%(name)s” no longer has access to the partner portal.") % {"name": contact}
        )
    return redirect(contact)


@staff_member_required
def distributor_history(request, pk):
    """Who changed the distributor, its contacts and its cadence, and what they changed."""
    distributor = get_object_or_404(Distributor, pk=pk)
    sources = [
        history.Source(Distributor.history.filter(id=distributor.pk)),
        history.Source(Contact.history.filter(distributor_id=distributor.pk), history.named()),
        history.Source(
            Cadence.history.filter(distributor_id=distributor.pk), history.named(lambda _c: "")
        ),
    ]
    page = history.history_page(sources, request.GET.get("page"))
    return render(request, "distributors/history.html", {"distributor": distributor, "page": page})
