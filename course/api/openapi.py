"""Finishing touches on the document django-ninja generates from the operations and schemas.

Ninja writes every body as application/json; the API's errors are
application/problem+json, and some answers carry headers a client relies
on (ETag, Link, Location, RateLimit, Retry-After, WWW-Authenticate). Those
are added here, from the same constants the code uses, so the document
says what the server does.
"""

from __future__ import annotations

import copy

from .lifecycle import lifecycle

PROBLEM = "application/problem+json"
_STRING = {"schema": {"type": "string"}}
HEADERS = {
    "ETag": {"description": "Send it back in If-None-Match to get 304 while nothing changed", **_STRING},
    "Link": {"description": 'The next page, rel="next" (RFC 8288); absent on the last page', **_STRING},
    "Location": {"description": "The new submission", **_STRING},
    "RateLimit-Policy": {"description": 'The submission quota: "submissions";q=<count>;w=<seconds>', **_STRING},
    "RateLimit": {"description": 'What is left of it: "submissions";r=<remaining>;t=<seconds until a slot frees>', **_STRING},
    "Retry-After": {"description": "Seconds to wait before trying again", "schema": {"type": "integer"}},
    "WWW-Authenticate": {"description": 'Bearer realm="API Architect" (RFC 6750), with error= for a bad token or scope', **_STRING},
    "Idempotent-Replayed": {"description": "true when this is the stored answer to an earlier request with the same key",
                            **_STRING},
}
IF_NONE_MATCH = {"in": "header", "name": "If-None-Match", "required": False, "schema": {"type": "string"},
                 "description": "An ETag from an earlier answer: 304 Not Modified if it still matches"}


def _headers(*names: str) -> dict:
    return {name: HEADERS[name] for name in names}


def document_finish(document: dict) -> dict:
    document = copy.deepcopy(document)
    document["info"]["description"] += (
        "\n\nVersioning: this is v1. Changes within v1 only add (new fields, operations, optional parameters); anything "
        "that would break a client comes as /api/v2, and v1 is then announced with Deprecation and Sunset headers at "
        "least six months before it answers 410 Gone.")
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            responses = operation.get("responses", {})
            for code, response in responses.items():
                status = int(code)
                body = response.get("content", {})
                if status >= 400 and "application/json" in body:
                    response["content"] = {PROBLEM: body["application/json"]}
                wanted = []
                if status == 200 and method == "get":
                    wanted.append("ETag")
                    if "next_cursor" in str(body):
                        wanted.append("Link")
                if status == 304:
                    wanted.append("ETag")
                    response["description"] = "Not Modified: your copy (If-None-Match) is current"
                if status == 201:
                    wanted += ["Location", "RateLimit-Policy", "RateLimit", "Idempotent-Replayed"]
                if status == 429:
                    wanted += ["Retry-After", "RateLimit-Policy", "RateLimit"]
                if status in (503, 409):
                    wanted.append("Retry-After")
                if status in (401, 403):
                    wanted.append("WWW-Authenticate")
                if wanted:
                    response["headers"] = _headers(*wanted)
            if method == "get":
                operation.setdefault("parameters", []).append(dict(IF_NONE_MATCH))
        if "get" in item:
            item["head"] = _head_of(item["get"])
    stage = lifecycle()
    if stage.deprecated_at is not None:
        sunset = f" and goes on {stage.sunset_at:%Y-%m-%d} (Sunset header)" if stage.sunset_at else ""
        document["info"]["description"] += (f"\n\n**v1 is deprecated** since {stage.deprecated_at:%Y-%m-%d}"
                                             f"{sunset}: every answer carries a Deprecation header.")
        for item in document.get("paths", {}).values():
            for operation in item.values():
                operation["deprecated"] = True
    return document


def _head_of(get: dict) -> dict:
    """HEAD of a GET (RFC 9110 9.3.2): the same parameters and headers, no body (the middleware answers it)."""
    head = copy.deepcopy(get)
    head["operationId"] = f"{get['operationId']}_head"
    head["summary"] = f"Headers only: {get.get('summary', get['operationId'])}"
    head.pop("description", None)
    for response in head.get("responses", {}).values():
        response.pop("content", None)
    return head
