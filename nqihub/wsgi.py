"""WSGI entry point (gunicorn, uWSGI or mod_wsgi in a deployment)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nqihub.settings")
application = get_wsgi_application()
