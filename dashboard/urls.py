from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("trends/", views.trends, name="trends"),
    path("account-managers/", views.account_managers, name="account_managers"),
    path("distributors/<int:pk>/summary/", views.summary, name="summary"),
    path("portfolio.csv", views.export_csv, name="export_csv"),
    path("portfolio.xlsx", views.export_xlsx, name="export_xlsx"),
]
