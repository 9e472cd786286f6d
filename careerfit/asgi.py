"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerfit.settings")
# Serving: the settings refuse to start without a SECRET_KEY unless DEBUG is on.
os.environ["CAREERFIT_SERVING"] = "1"
application = get_asgi_application()
