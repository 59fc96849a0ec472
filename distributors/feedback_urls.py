"""The staff feedback inbox. No app_name: these patterns join `distributors/urls.py`."""

from django.urls import path

from . import feedback_views

urlpatterns = [
    path("feedback/", feedback_views.feedback_inbox, name="feedback_inbox"),
    path("feedback/<int:pk>/", feedback_views.feedback_detail, name="feedback_detail"),
]
