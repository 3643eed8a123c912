"""Every route of the control plane (``/__mock__/``), in the order the app tries them."""

from __future__ import annotations

from mockserver.control import landing, routes, script_routes

CONTROL_ROUTES = [*routes.routes, *script_routes.routes, *landing.routes]
