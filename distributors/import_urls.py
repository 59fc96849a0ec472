"""The distributor and contact imports. No app_name: these join `distributors/urls.py`."""

from django.urls import path

from . import import_views

urlpatterns = [
    path("distributors/imports/", import_views.import_list, name="import_list"),
    path("distributors/imports/<int:pk>/", import_views.import_detail, name="import_detail"),
    path(
        "distributors/imports/<int:pk>/confirm/",
        import_views.import_confirm,
        name="import_confirm",
    ),
]
