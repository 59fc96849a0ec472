from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter

from . import errors, views

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("distributors", views.DistributorViewSet, basename="distributor")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("touchpoints", views.TouchpointViewSet, basename="touchpoint")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("goals", views.GoalViewSet, basename="goal")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("figure-kinds", views.FigureKindViewSet, basename="figure-kind")
router.register("figures", views.FigureViewSet, basename="figure")

urlpatterns = [
    # The schema says only what the endpoints are, not what they hold: readable without a
    # token, so that integrators can generate their client first.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    # Its script is a separate request (a static file in effect): the site's CSP allows no
    # inline script.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", permission_classes=[AllowAny]),
        name="docs",
    ),
    *router.urls,
    re_path(r"^.*$", errors.not_found),
]
