from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from dashboard import views as dashboard_views

from . import account_views, health, views
from .forms import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("my-week/", views.my_week, name="my_week"),
    path("my-week/action-items/", views.my_action_items, name="my_action_items"),
    # The executive's landing page: the dashboard's portfolio, under its old name and address.
    path("portfolio/", dashboard_views.portfolio, name="portfolio"),
    path("dashboard/", include("dashboard.urls")),
    path("", include("distributors.urls")),
    path("", include("meetings.urls")),
    path("", include("milestones.urls")),
    path("", include("figures.urls")),
    path("", include("prm.notification_urls")),
    path("portal/", include("portal.urls")),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("profile/", account_views.profile, name="profile"),
    path("api/v1/", include("api.urls")),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("bench/floor/", views.bench_floor, name="bench_floor"),
]
