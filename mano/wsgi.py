from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

from mano.core.runtime import settle_for_serving

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mano.settings")
application = get_wsgi_application()
settle_for_serving()
