"""A staff user's notifications (notifications:…) and calendar feed (calendar:…).

Included once from prm/urls.py.
"""

from django.urls import include, path, re_path

from . import notification_views as views

notification_patterns = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.notification_mark_all_read, name="mark_all_read"),
    path("<int:pk>/open/", views.notification_open, name="open"),
    path("<int:pk>/read/", views.notification_mark_read, name="mark_read"),
    path("<int:pk>/dismiss/", views.notification_dismiss, name="dismiss"),
    path("preferences/", views.email_preferences, name="preferences"),
]

calendar_patterns = [
    path("", views.calendar_settings, name="settings"),
    path("regenerate/", views.calendar_regenerate, name="regenerate"),
    # secrets.token_urlsafe() uses letters, digits, "-" and "_".
    re_path(r"^(?P<token>[A-Za-z0-9_-]{20,64})\.ics$", views.calendar_feed_ics, name="feed"),
]

urlpatterns = [
    path("notifications/", include((notification_patterns, "notifications"))),
    path("calendar/", include((calendar_patterns, "calendar"))),
]
