"""Does a password reset take as long for an address without an account as for one with?
Prints figures; not a test.

Against a fresh temporary SQLite file, one user with the production password hasher, and a
mail backend that takes 50 ms per message as an SMTP server might. POST /accounts/password_reset/
goes through Django's test Client in-process, alternating a known and an unknown address,
first with mail sent in the request (EMAIL_IN_BACKGROUND off, as before) and then as
production sends it (on). Prints the median of each and the known/unknown ratio: 1.0 means
response times tell nothing about who has an account.

    SECRET_KEY=bench .venv/bin/python bench/reset.py [--repeats 40]
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

from inprocess import throwaway_sqlite

SMTP_SECONDS = 0.05


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=40, help="requests per address (40)")
    args = parser.parse_args()
    with throwaway_sqlite("reset"):
        run(args)


class SlowBackend:
    """Takes as long as a mail server might, and keeps nothing."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages) -> int:
        time.sleep(SMTP_SECONDS * len(messages))
        return len(messages)


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    warnings.filterwarnings("ignore", message="No directory at")

    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    from careerfit import mail

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.SECURE_SSL_REDIRECT = False
    settings.EMAIL_BACKEND = f"{__name__}.SlowBackend"
    call_command("migrate", verbosity=0)
    User.objects.create_user("owner", "owner@example.com", "quiet-lantern-orbit-47")
    client = Client()
    print(
        f"Password reset: median of {args.repeats} requests per address, SQLite, test Client "
        f"in-process, mail server taking {SMTP_SECONDS * 1000:.0f} ms per message"
    )
    print(f"  {'':26} {'known':>10} {'unknown':>10} {'ratio':>7}")
    for label, background in (("mail sent in the request", False), ("mail in background", True)):
        settings.EMAIL_IN_BACKGROUND = background
        timings: dict[str, list[float]] = {"owner@example.com": [], "nobody@example.com": []}
        for repeat in range(args.repeats):
            # Each address first every other round; each request starts with no mail queued.
            for email in sorted(timings, reverse=bool(repeat % 2)):
                start = time.perf_counter()
                response = client.post("/accounts/password_reset/", {"email": email})
                timings[email].append(time.perf_counter() - start)
                assert response.status_code == 302, response.status_code
                mail.wait_for_pending(timeout=10)
        known, unknown = (statistics.median(sample) for sample in timings.values())
        print(
            f"  {label:26} {known * 1000:>7.1f} ms {unknown * 1000:>7.1f} ms "
            f"{known / unknown:>6.2f}x"
        )


if __name__ == "__main__":
    main()
