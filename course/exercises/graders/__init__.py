"""Every grader kind; importing this package registers them all."""

from . import http_message, json_document, openapi, route_table  # noqa: F401
