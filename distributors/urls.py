from django.urls import path

from . import feedback_urls, import_urls, views

app_name = "distributors"
urlpatterns = [
    path("distributors/", views.distributor_list, name="list"),
    path("activity/", views.activity, name="activity"),
    path("distributors/new/", views.distributor_create, name="create"),
    path("distributors/<int:pk>/", views.distributor_detail, name="detail"),
    path("distributors/<int:pk>/edit/", views.distributor_edit, name="edit"),
    path("distributors/<int:pk>/archive/", views.distributor_archive, name="archive"),
    path("distributors/<int:pk>/restore/", views.distributor_restore, name="restore"),
    path("distributors/<int:pk>/timeline/", views.distributor_timeline, name="timeline"),
    path("distributors/<int:pk>/history/", views.distributor_history, name="history"),
    path("distributors/<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/archive/", views.contact_archive, name="contact_archive"),
    path("contacts/<int:pk>/restore/", views.contact_restore, name="contact_restore"),
    path("contacts/<int:pk>/invite/", views.contact_invite, name="contact_invite"),
    path(
        "contacts/<int:pk>/revoke-portal/",
        views.contact_revoke_portal,
        name="contact_revoke_portal",
    ),
]
urlpatterns += feedback_urls.urlpatterns
urlpatterns += import_urls.urlpatterns
