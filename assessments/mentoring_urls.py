from django.urls import path

from assessments import mentoring_views as views

app_name = "mentoring"
urlpatterns = [
    path("", views.mentoring, name="index"),
    path("cohort/", views.cohort, name="cohort"),
    path("invitations/", views.invite, name="invite"),
    path(
        "invitations/<uuid:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("<uuid:mentorship_id>/revoke/", views.mentorship_end, name="end"),
]
