from django.urls import path

from assessments import report_views, review_views, views

app_name = "assessments"
urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("new/", views.start, name="new"),
    path("<uuid:assessment_id>/", views.resume, name="resume"),
    path("<uuid:assessment_id>/steps/<slug:category_slug>/", views.step, name="step"),
    path(
        "<uuid:assessment_id>/steps/<slug:category_slug>/none/",
        views.mark_none,
        name="mark_none",
    ),
    path("<uuid:assessment_id>/ratings/<slug:skill_slug>/", views.rate, name="rate"),
    path("<uuid:assessment_id>/submit/", views.submit, name="submit"),
    path("<uuid:assessment_id>/report/", report_views.report, name="report"),
    path("<uuid:assessment_id>/report.json", report_views.report_json, name="report_json"),
    path("<uuid:assessment_id>/report.csv", report_views.report_csv, name="report_csv"),
    path("progress/<slug:track_slug>/", views.progress, name="progress"),
    path("<uuid:assessment_id>/ask-for-review/", review_views.ask_review, name="ask_review"),
    path("<uuid:assessment_id>/review/", review_views.review, name="review"),
    path(
        "<uuid:assessment_id>/review/steps/<slug:category_slug>/",
        review_views.review_step,
        name="review_step",
    ),
    path(
        "<uuid:assessment_id>/review/ratings/<slug:skill_slug>/",
        review_views.review_rate,
        name="review_rate",
    ),
    path("<uuid:assessment_id>/review/submit/", review_views.review_submit, name="review_submit"),
]
