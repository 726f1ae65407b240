"""Every grader kind; importing this package registers them all."""

from . import http_message, json_document, openapi, python_handler, route_table  # noqa: F401
