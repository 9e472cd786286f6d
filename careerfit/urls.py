from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from careerfit import views
from careerfit.forms import ResetPasswordForm, ResetRequestForm, ThrottledPasswordChangeForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("accounts/", views.account, name="account"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/signup/sent/", views.signup_done, name="signup_done"),
    path("accounts/confirm/<uidb64>/<token>/", views.signup_confirm, name="signup_confirm"),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=ResetRequestForm),
        name="password_reset",
    ),
    path("accounts/export.json", views.account_export, name="account_export"),
    path("accounts/delete/", views.account_delete, name="account_delete"),
    path(
        "accounts/password_change/",
        views.PasswordChangeView.as_view(form_class=ThrottledPasswordChangeForm),
        name="password_change",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=ResetPasswordForm),
        name="password_reset_confirm",
    ),
    # login, logout (POST only), password_change, password_reset and their done pages
    path("accounts/", include("django.contrib.auth.urls")),
    path("roles/", include("roles.urls")),
    path("assessments/", include("assessments.urls")),
    path("mentoring/", include("assessments.mentoring_urls")),
    path("admin/", admin.site.urls),
]
