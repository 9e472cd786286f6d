from django.urls import path

from roles import views

app_name = "roles"
urlpatterns = [
    path("", views.track_list, name="track_list"),
    path("<slug:track_slug>/", views.track_detail, name="track_detail"),
    path("<slug:track_slug>/<slug:role_slug>/", views.role_detail, name="role_detail"),
]
