from django.urls import path

from . import views

app_name = "milestones"
urlpatterns = [
    path("goals/new/", views.goal_create, name="goal_create"),
    path("goals/<int:pk>/", views.goal_detail, name="goal_detail"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/history/", views.goal_history, name="goal_history"),
    path("goals/<int:pk>/accept/", views.goal_accept, name="goal_accept"),
    path("goals/<int:pk>/milestones/new/", views.milestone_create, name="milestone_create"),
    path("milestones/<int:pk>/edit/", views.milestone_edit, name="milestone_edit"),
    path(
        "milestones/<int:pk>/evaluations/new/",
        views.evaluation_create,
        name="evaluation_create",
    ),
    path(
        "goal-changes/<int:pk>/decline/",
        views.change_proposal_decline,
        name="change_proposal_decline",
    ),
    path("evidence/<int:pk>/file/", views.evidence_download, name="evidence_download"),
]
