from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("touchpoints/new/", views.touchpoint_log, name="touchpoint_log"),
    path("touchpoints/<int:pk>/", views.touchpoint_detail, name="touchpoint_detail"),
    path("touchpoints/distributors/", views.distributor_search, name="distributor_search"),
    path("touchpoints/contacts/", views.touchpoint_contacts, name="touchpoint_contacts"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/contacts/", views.meeting_contacts, name="meeting_contacts"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/history/", views.meeting_history, name="meeting_history"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/status/", views.meeting_status, name="meeting_status"),
    path("meetings/<int:pk>/share/", views.meeting_share, name="meeting_share"),
    path("meetings/<int:pk>/agenda/", views.agenda_item_add, name="agenda_item_add"),
    path("meetings/<int:pk>/action-items/", views.action_item_add, name="action_item_add"),
    path("meetings/<int:pk>/calendar.ics", views.meeting_ics, name="meeting_ics"),
    path("action-items/<int:pk>/status/", views.action_item_status, name="action_item_status"),
    path("agenda-items/<int:pk>/decide/", views.agenda_item_decide, name="agenda_item_decide"),
]
