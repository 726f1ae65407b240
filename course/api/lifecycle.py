"""The version's lifecycle on the wire: Deprecation and Sunset headers once v1 is deprecated, 410 Gone after its sunset.

Set by the operator when a v2 ships (docs/api.md, "Versioning and deprecation
policy"): API_V1_DEPRECATED_AT and API_V1_SUNSET_AT, ISO 8601 dates or
date-times (UTC unless an offset is given). Until then v1 answers without
either header. Deprecated, every answer carries
  Deprecation: @<unix seconds>        (RFC 9745, a Structured Field Date)
  Sunset: <HTTP-date>                 (RFC 8594)
  Link: <…/api/v1/docs>; rel="deprecation", <…>; rel="sunset"
and from the sunset on, every v1 request but the docs page (which holds the
migration notes) is answered 410 Gone as problem details.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.http import http_date

DOCS_PATH = "/api/v1/docs"
MIN_NOTICE_DAYS = 182  # the policy's six months between the announcement and the sunset


@dataclass(frozen=True)
class Lifecycle:
    deprecated_at: datetime | None
    sunset_at: datetime | None

    def headers(self, request) -> dict[str, str]:
        if self.deprecated_at is None:
            return {}
        docs = request.build_absolute_uri(DOCS_PATH)
        headers = {"Deprecation": f"@{int(self.deprecated_at.timestamp())}"}
        links = [f'<{docs}>; rel="deprecation"; type="text/html"']
        if self.sunset_at is not None:
            headers["Sunset"] = http_date(self.sunset_at.timestamp())
            links.append(f'<{docs}>; rel="sunset"; type="text/html"')
        headers["Link"] = ", ".join(links)
        return headers

    def gone(self, now: datetime | None = None) -> bool:
        return self.sunset_at is not None and (now or datetime.now(timezone.utc)) >= self.sunset_at


def _moment(name: str) -> datetime | None:
    value = getattr(settings, name, None)
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an ISO 8601 date or date-time such as 2027-06-30 or "
                                   f"2027-06-30T00:00:00Z; it is {value!r}.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def lifecycle() -> Lifecycle:
    """The configured lifecycle, checked: a sunset needs a deprecation at least six months before it."""
    deprecated_at, sunset_at = _moment("API_V1_DEPRECATED_AT"), _moment("API_V1_SUNSET_AT")
    if sunset_at is not None:
        if deprecated_at is None:
            raise ImproperlyConfigured("API_V1_SUNSET_AT is set without API_V1_DEPRECATED_AT: clients must be told "
                                       "with a Deprecation header before the version goes.")
        if (sunset_at - deprecated_at).days < MIN_NOTICE_DAYS:
            raise ImproperlyConfigured(f"API_V1_SUNSET_AT ({sunset_at:%Y-%m-%d}) must be at least six months "
                                       f"({MIN_NOTICE_DAYS} days) after API_V1_DEPRECATED_AT ({deprecated_at:%Y-%m-%d}).")
    return Lifecycle(deprecated_at, sunset_at)
