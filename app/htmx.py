"""The one place that decides whether a response is an HTMX fragment or a full page.

A request is a fragment request when HTMX sent it (``HX-Request``), not through ``hx-boost`` (boosted links want
the whole page) and not to restore history after a cache miss. Every response that depends on this says so in
``Vary: HX-Request`` so caches keep the two apart.
"""

import json

from flask import make_response
from flask import redirect
from flask import render_template
from flask import request


def wants_fragment() -> bool:
    """Return True when this request should get only the partial."""
    hx = getattr(request, "htmx", None)
    return bool(hx) and not hx.boosted and not hx.history_restore_request


def render(page_template: str, partial_template: str | None = None, /, *, status: int = 200,
           trigger: str | dict | None = None, **context):
    """Render the partial for a fragment request and the page otherwise, with the same context."""
    template = partial_template if partial_template and wants_fragment() else page_template
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    if trigger:
        response.headers["HX-Trigger"] = trigger if isinstance(trigger, str) else json.dumps(trigger)
    return response


def see_other(url: str):
    """Redirect after a POST: 303 for a browser, ``HX-Redirect`` for HTMX (which would swap a followed 303)."""
    if wants_fragment():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)
