from django.urls import path

from . import views

app_name = "figures"
urlpatterns = [
    path("figures/kinds/", views.kind_list, name="kinds"),
    path("figures/kinds/<int:pk>/sharing/", views.kind_share, name="kind_share"),
    path("figures/imports/", views.import_list, name="import_list"),
    path("figures/imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("figures/imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("figures/imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("distributors/<int:pk>/figures/", views.distributor_figures, name="distributor"),
    path("distributors/<int:pk>/figures/trend/", views.distributor_trend, name="distributor_trend"),
]
