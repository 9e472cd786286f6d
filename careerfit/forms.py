"""Account forms: sign up, choose a new password after a reset, delete the account."""

from axes.utils import reset as reset_login_failures
from django import forms
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm, UserCreationForm
from django.contrib.auth.models import User
from django.http import HttpRequest

from careerfit.throttling import confirm_password


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        required=True,
        help_text="For password resets and mentor invitations.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email already exists.")
        return email


class ResetPasswordForm(SetPasswordForm):
    def save(self, commit: bool = True) -> User:
        user = super().save(commit=commit)
        # Following the emailed link proves the account is theirs: the login lock (which the
        # lockout page tells them to get out of this way) should not outlive the reset.
        reset_login_failures(username=user.get_username())
        return user


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """The old password is checked like a log-in, so guessing it here is throttled too."""

    def __init__(self, user: User, *args, request: HttpRequest, **kwargs) -> None:
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        if not confirm_password(self.request, self.user, old_password):
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To confirm it is you.",
    )

    def __init__(self, user: User, *args, request: HttpRequest, **kwargs) -> None:
        self.user = user
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not confirm_password(self.request, self.user, password):
            raise forms.ValidationError("That is not your password.", code="password_incorrect")
        return password
