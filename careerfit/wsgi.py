"""WSGI entry point (gunicorn careerfit.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerfit.settings")
# Serving: the settings refuse to start without a SECRET_KEY unless DEBUG is on.
os.environ["CAREERFIT_SERVING"] = "1"
application = get_wsgi_application()
