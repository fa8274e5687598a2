"""WSGI entry point for production servers (gunicorn -c reissue_site/gunicorn.conf.py).

It defaults to the production settings: a deploy that forgets DJANGO_SETTINGS_MODULE
must fail without a secret key rather than run with DEBUG on. `manage.py` (and so
`make run`, runserver) keeps the development default.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reissue_site.settings.prod")
application = get_wsgi_application()
