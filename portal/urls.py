from django.urls import path

from .views import feedback, figures, goals, home, invitations, meetings, plans

app_name = "portal"
urlpatterns = [
    path("", home.home, name="home"),
    path("goals/", goals.goal_list, name="goal_list"),
    path("goals/<int:pk>/", goals.goal_detail, name="goal_detail"),
    path("goals/<int:pk>/accept/", goals.goal_accept, name="goal_accept"),
    path("goals/<int:pk>/propose-change/", goals.goal_propose_change, name="goal_propose_change"),
    path("milestones/<int:pk>/evidence/", goals.evidence_add, name="evidence_add"),
    path("evidence/<int:pk>/file/", goals.evidence_download, name="evidence_download"),
    path("meetings/", meetings.meeting_list, name="meeting_list"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/agenda/", meetings.agenda_propose, name="agenda_propose"),
    path("meetings/<int:pk>/calendar.ics", meetings.meeting_ics, name="meeting_ics"),
    path("action-items/<int:pk>/done/", meetings.action_item_done, name="action_item_done"),
    path("feedback/", feedback.feedback_list, name="feedback_list"),
    path("feedback/new/", feedback.feedback_create, name="feedback_create"),
    path("feedback/<int:pk>/", feedback.feedback_detail, name="feedback_detail"),
    path("figures/", figures.figure_list, name="figures"),
    path("plans/", plans.plan_list, name="plan_list"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/acknowledge/", plans.plan_acknowledge, name="plan_acknowledge"),
    path("invitation/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
]
