from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("my-week/", views.my_week, name="my_week"),
    path("portfolio/", views.portfolio, name="portfolio"),
    path("", include("distributors.urls")),
    path("", include("meetings.urls")),
    path("", include("milestones.urls")),
    path("", include("prm.notification_urls")),
    path("portal/", include("distributors.portal_urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
