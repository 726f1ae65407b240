"""django-csp's middleware with each policy built once: from one response to the next only the nonce changes.

django-csp builds the Content-Security-Policy header from the settings on
every response (about 0.2 ms, a third of what a kept page costs to serve).
Unless a view changed its policy (django-csp's decorators set _csp_config,
_csp_update or _csp_replace on the response, and those go the library's way),
the header is the same string each time but for the nonce, so it is built once
with a placeholder where the nonce goes, and the placeholder is replaced.
Changing a policy setting (tests do) rebuilds it.
"""

from __future__ import annotations

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

PLACEHOLDER = "cspnonceplaceholder0000000"  # base64 letters only, as a real nonce; nothing else in a policy reads so
_PER_RESPONSE = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
_HEADERS = ((HEADER, "CONTENT_SECURITY_POLICY", False, "_csp_exempt"),
            (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True, "_csp_exempt_ro"))
_built: dict[tuple[bool, bool], str] = {}


@receiver(setting_changed)
def _policy_changed(*, setting: str, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _built.clear()


def _policy(report_only: bool, with_nonce: bool) -> str:
    key = (report_only, with_nonce)
    if key not in _built:
        _built[key] = build_policy(nonce=PLACEHOLDER if with_nonce else None, report_only=report_only)
    return _built[key]


class CSPMiddleware(LibraryCSPMiddleware):
    def process_response(self, request, response):
        if (settings.DEBUG and response.status_code in (404, 500)) or any(
                getattr(response, name, None) is not None for name in _PER_RESPONSE):
            return super().process_response(request, response)  # the debug pages, or a view's own policy
        nonce = getattr(request, "_csp_nonce", None)
        nonce = nonce if isinstance(nonce, str) else None
        for header, setting, report_only, exempt in _HEADERS:
            policy = _policy(report_only, nonce is not None)
            if not policy or header in response or getattr(response, exempt, False):
                continue
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if not request.path_info.startswith(tuple(prefixes)):
                response[header] = policy.replace(PLACEHOLDER, nonce) if nonce else policy
        if nonce is None:  # as the library: asking for a nonce once the header is written is an error, not a silent gap
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
