"""Login throttling on django-axes' database handler, with two limits instead of one:

- one username from one address: AXES_FAILURE_LIMIT failures (guessing one password);
- one address, whatever the usernames: AXES_ADDRESS_FAILURE_LIMIT failures (one password
  sprayed over many accounts).

Both count within the cool-off. A successful log-in clears its own username's failures from
that address only, so logging in to one's own account does not reset a spraying count.
Password checks outside the log-in form go through `confirm_password`, so they count too."""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Sum
from django.http import HttpRequest


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LoginThrottle(AxesDatabaseHandler):
    # AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"], in that order.

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        pair, address = (_failures(a) for a in self.get_user_attempts(request, credentials))
        # axes compares one number with one limit: put the address's count on that scale.
        limit = get_failure_limit(request, credentials)
        return max(pair, address * limit // settings.AXES_ADDRESS_FAILURE_LIMIT)

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        pair = self.filter_user_attempts(request, credentials)[0]
        deleted, _ = pair.delete()
        return deleted


def confirm_password(request: HttpRequest, user: AbstractBaseUser, password: str) -> bool:
    """Whether `password` is the signed-in user's, counted like a log-in: a wrong one is a
    failure, and while the username is locked even the right one is refused (the response
    then becomes the lockout page)."""
    return authenticate(request, username=user.get_username(), password=password) == user
