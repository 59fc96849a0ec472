"""A request id on every log line of a request, and on its response.

The reverse proxy's X-Request-ID is kept, so that its access log and ours share the id;
without one (or with one that is not a plain token) a new uuid4 is made.
"""

import contextvars
import logging
import re
import uuid

REQUEST_ID_HEADER = "X-Request-ID"
# A client can send the header too: only a plain token reaches the logs, never a line break.
_PLAIN_TOKEN = re.compile(r"[A-Za-z0-9._:-]{1,128}")

current_request_id = contextvars.ContextVar("request_id", default="-")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = given if _PLAIN_TOKEN.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Gives every record the id of the request being served ("-" outside a request)."""

    def filter(self, record):
        # Django logs a response's status (django.request) once the middleware has returned.
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or current_request_id.get()
        return True
