"""The platform's read-only JSON API, one router per app, with its OpenAPI schema.

The interactive documentation page is off: it loads scripts from a CDN. The schema is at
/api/v1/openapi.json.
"""

from ninja import NinjaAPI

from events.api import router as events_router
from network.api import router as network_router

api = NinjaAPI(
    title="Essaim API",
    version="1",
    description=(
        "Events of the network's cities and their dates, the directory's published actors, "
        "meeting spaces and their availability, incubators' programmes and calls for "
        "applications. Read-only, no authentication."
    ),
    docs_url=None,
    urls_namespace="api",
)
api.add_router("/", events_router)
api.add_router("/", network_router)
