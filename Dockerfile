# CareerFit app server: gunicorn on port 8000, built from the lock file (every package pinned
# with its hash). Configuration comes from the environment (docs/deployment.md); run
# `python manage.py migrate` in a one-off container before starting new app containers.
#
#   docker build -t careerfit .
#   docker run --rm --env-file prod.env careerfit python manage.py migrate
#   docker run -d --env-file prod.env -p 127.0.0.1:8000:8000 careerfit

FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN python -m venv /venv
COPY requirements.lock ./
RUN /venv/bin/pip install --require-hashes -r requirements.lock
# The project runs from its source tree (settings find templates and static files there).
COPY manage.py ./
COPY careerfit ./careerfit
COPY roles ./roles
COPY assessments ./assessments
COPY templates ./templates
COPY static ./static
RUN /venv/bin/python manage.py collectstatic --noinput

FROM python:3.11-slim-bookworm
ENV PATH=/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN useradd --system --uid 10001 --home-dir /app careerfit
WORKDIR /app
COPY --from=build /venv /venv
COPY --from=build /app /app
USER careerfit
EXPOSE 8000
# /healthz answers over plain HTTP (no HTTPS redirect), to one of the allowed host names.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request as u; host = os.environ['ALLOWED_HOSTS'].split(',')[0]; u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': host}), timeout=4)"
# Published on the host's loopback only (see above): the reverse proxy is the way in.
CMD ["gunicorn", "careerfit.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", \
     "--worker-class", "gthread", "--threads", "4", "--graceful-timeout", "30", \
     "--access-logfile", "-"]
