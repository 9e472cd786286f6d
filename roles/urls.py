from django.urls import include, path

from roles import views

app_name = "roles"
urlpatterns = [
    path("", views.track_list, name="track_list"),
    path("<slug:track_slug>/", views.track_detail, name="track_detail"),
    # Before the role pages: "edit" is reserved, no role may take it as its slug.
    path("<slug:track_slug>/edit/", include("roles.editor.urls")),
    path("<slug:track_slug>/<slug:role_slug>/", views.role_detail, name="role_detail"),
]
