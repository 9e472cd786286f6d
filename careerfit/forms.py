"""Account forms: sign up (confirmed by e-mail), ask for and choose a new password, change
it, delete the account."""

from collections.abc import Iterator
from functools import partial

from axes.utils import reset as reset_login_failures
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    UserCreationForm,
)
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from careerfit import mail
from careerfit.next_url import with_next
from careerfit.throttling import confirm_password


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Tokens for the sign-up confirmation link: they die once the account is confirmed
    (is_active is part of the hash), or when the password changes, or after
    PASSWORD_RESET_TIMEOUT."""

    key_salt = "careerfit.forms.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{user.pk}{user.password}{user.is_active}{user.email}{timestamp}"


confirmation_token_generator = EmailConfirmationTokenGenerator()


def _link(request: HttpRequest, view_name: str, user: User, token: str, next_url: str = "") -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return request.build_absolute_uri(with_next(reverse(view_name, args=[uid, token]), next_url))


def password_rules() -> str:
    """The configured password validators in one short sentence, shown under a new password:
    'At least 8 characters, not only digits, not a common password, not too like your username
    or email.' A validator without a phrase here speaks for itself."""
    phrases: list[str] = []
    for validator in password_validation.get_default_password_validators():
        if isinstance(validator, password_validation.MinimumLengthValidator):
            phrases.insert(0, f"at least {validator.min_length} characters")
        elif isinstance(validator, password_validation.NumericPasswordValidator):
            phrases.append("not only digits")
        elif isinstance(validator, password_validation.CommonPasswordValidator):
            phrases.append("not a common password")
        elif isinstance(validator, password_validation.UserAttributeSimilarityValidator):
            phrases.append("not too like your username or email")
        else:
            phrases.append(validator.get_help_text().rstrip(".").lower())
    return ", ".join(phrases).capitalize() + "." if phrases else ""


def _choose_password(form: forms.Form, first: str, second: str) -> None:
    """The two new-password fields of a form, in the site's words."""
    form.fields[first].help_text = password_rules()
    form.fields[second].label = f"{form.fields[first].label} again"
    form.fields[second].help_text = ""


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        required=True,
        help_text="We send a link to it to confirm your account; also for password resets "
        "and mentor invitations.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].help_text = "Letters, digits and @ . + - _ only."
        _choose_password(self, "password1", "password2")

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()

    def register(self, request: HttpRequest, next_url: str = "") -> None:
        """A new address gets an account that works once the e-mailed link is followed; an
        address that already has one gets a note to its owner instead. Either way the page
        and the work done look the same, so sign-up cannot tell who has an account. Both
        links lead on to `next_url` (a same-site URL) once the person is in."""
        email = self.cleaned_data["email"]
        owner = User.objects.filter(email__iexact=email).order_by("pk").first()
        if owner is None:
            user = self.save(commit=False)
            user.is_active = False
            user.save()
            token = confirmation_token_generator.make_token(user)
            message = mail.message(
                "registration/signup_confirm_email.txt",
                email,
                {"user": user, "link": _link(request, "signup_confirm", user, token, next_url)},
            )
        else:
            make_password(self.cleaned_data["password1"])  # the hashing a new account costs
            token = default_token_generator.make_token(owner)
            context = {
                "user": owner,
                "login_link": request.build_absolute_uri(with_next(reverse("login"), next_url)),
                "reset_link": _link(request, "password_reset_confirm", owner, token),
            }
            message = mail.message("registration/signup_exists_email.txt", owner.email, context)
        mail.send(message)


class ResetRequestForm(PasswordResetForm):
    def get_users(self, email: str) -> Iterator[User]:
        # Unconfirmed accounts too: choosing a password through the e-mailed link proves
        # the address as well as the confirmation link does.
        users = User._default_manager.filter(email__iexact=email)
        return (user for user in users if user.has_usable_password())

    def save(self, *, request: HttpRequest, **options) -> None:
        # Looking the address up, making the link and sending it all happen after the
        # response, so the request takes as long whether or not the address has an account.
        options.update(request=None, domain_override=request.get_host())
        mail.run_later(partial(PasswordResetForm.save, self, **options))


class ResetPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _choose_password(self, "new_password1", "new_password2")

    def save(self, commit: bool = True) -> User:
        # Following the e-mailed link proves the address: it confirms an unconfirmed account.
        self.user.is_active = True
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
        _choose_password(self, "new_password1", "new_password2")

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
