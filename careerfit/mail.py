"""The one way CareerFit sends mail: `send(message)` (and `run_later(task)` for work that
builds its messages itself, such as Django's password reset); `message(template, to,
context)` makes one from a template whose first line is the subject.

With EMAIL_IN_BACKGROUND (production), mail goes to a small thread pool inside the app process
once the current database transaction commits (so it never announces something rolled back):
no request waits for the mail server, and a request that sends mail takes as long as one that
does not, so response times cannot tell whether an address has an account. No separate
worker is needed; gunicorn's graceful stop lets the queue drain. Without it (development,
tests) mail is sent at once, in the request: `make run` prints each message to the console
as it happens, and tests find it in mail.outbox as soon as the request returns."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connections, transaction
from django.template.loader import render_to_string

log = logging.getLogger(__name__)

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pending: set[Future] = set()


def send(message: EmailMessage) -> None:
    run_later(message.send)


def message(template: str, to: str, context: dict) -> EmailMessage:
    """A plain-text message from a template whose first line is the subject."""
    subject, body = render_to_string(template, context).split("\n", 1)
    return EmailMessage(subject.strip(), body.lstrip(), to=[to])


def run_later(task: Callable[[], object]) -> None:
    """Run `task` (which sends mail): on the mail threads after the current transaction
    commits with EMAIL_IN_BACKGROUND, at once otherwise."""
    if settings.EMAIL_IN_BACKGROUND:
        transaction.on_commit(lambda: _submit(task))
    else:
        task()


def wait_for_pending(timeout: float | None = None) -> None:
    """Block until mail handed to the background threads so far has been sent."""
    with _lock:
        pending = set(_pending)
    wait_for(pending, timeout=timeout)


def _submit(task: Callable[[], object]) -> None:
    global _pool
    with _lock:
        if _pool is None:
            # Created on first use, inside the worker process that uses it.
            _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="mail")
        future = _pool.submit(_run, task)
        _pending.add(future)
    future.add_done_callback(_forget)


def _run(task: Callable[[], object]) -> None:
    try:
        task()
    except Exception:
        log.exception("Sending mail failed")
    finally:
        # This thread's own database connections, if the task opened any.
        connections.close_all()


def _forget(future: Future) -> None:
    with _lock:
        _pending.discard(future)
