from django.shortcuts import render

from prm.permissions import portal_user_required

from .. import selectors


@portal_user_required
def home(request):
    return render(request, "portal/home.html", selectors.portal_home(request.user))
