"""The yardstick of `make load`: the least a Django + django-ninja stack can do for "one team's key
results as JSON" — one raw SQL query, no auth, no middleware, no templates — served by gunicorn
like Sasaran, over the same database. Sasaran's figures are read as a share of its req/s, since
this machine's absolute speed varies by 2x between days (bench/README.md).

Run by bench/load.py: `gunicorn bench.yardstick:application` with YARDSTICK_DB (a database URL)
in the environment. It is written here, not copied: a dozen lines of settings and one route.
"""

import os

import dj_database_url
import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="yardstick-only",  # noqa: S106 (no session, no signing: a benchmark's stub)
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={"default": dj_database_url.parse(os.environ["YARDSTICK_DB"], conn_max_age=600)},
    USE_TZ=True,
)
django.setup()

from django.db import connection  # noqa: E402
from django.urls import path  # noqa: E402
from ninja import NinjaAPI  # noqa: E402

api = NinjaAPI(docs_url=None, openapi_url=None)

SQL = """
    SELECT k.id, k.title, k.kind, k.direction, k.start_value, k.target_value, k.current_value,
           k.progress, k.status, k.confidence, k.owner_id, k.objective_id
    FROM okrs_keyresult k JOIN okrs_objective o ON o.id = k.objective_id
    WHERE o.cycle_id = %s AND o.team_id = %s
    ORDER BY k.objective_id, k.position, k.id
"""
COLUMNS = (
    *("id", "title", "kind", "direction", "start_value", "target_value", "current_value"),
    *("progress", "status", "confidence", "owner_id", "objective_id"),
)


@api.get("/krs")
def team_krs(request, cycle: int, team: int):
    with connection.cursor() as cursor:
        cursor.execute(SQL, [cycle, team])
        return [dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall()]


urlpatterns = [path("", api.urls)]

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
