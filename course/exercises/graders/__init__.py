"""Every grader kind; importing this package registers them all."""

from . import http_message, http_scenario, json_document, openapi, python_handler, route_table  # noqa: F401
