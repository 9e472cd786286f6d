from django.contrib import admin
from django.urls import include, path

from careerfit import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("roles/", include("roles.urls")),
    path("assessments/", include("assessments.urls")),
    path("admin/", admin.site.urls),
]
