"""The CSP header, built once per policy: the same header django-csp builds, this response's nonce in it."""

import re

import pytest
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory

from course.operations.csp import PLACEHOLDER, CSPMiddleware

pytestmark = pytest.mark.django_db


def answer(use_nonce: bool, **attributes):
    def view(request):
        response = HttpResponse(f"<script nonce='{request.csp_nonce}'></script>" if use_nonce else "plain")
        for name, value in attributes.items():
            setattr(response, name, value)
        return response
    return view


def run(middleware_class, view, path="/page/"):
    request = RequestFactory().get(path)
    return request, middleware_class(view)(request)


def test_a_page_with_a_nonce_gets_the_librarys_header_with_its_own_nonce(client, content):
    for _ in range(2):
        response = client.get("/faq/")
        nonce = re.search(r'<meta name="csp-nonce" content="([^"]+)"', response.content.decode()).group(1)
        assert response["Content-Security-Policy"] == build_policy(nonce=nonce)
        assert PLACEHOLDER not in response["Content-Security-Policy"]


def test_without_a_nonce_and_with_a_views_own_policy_it_matches_the_library():
    for view in (answer(False), answer(True), answer(True, _csp_update={"img-src": ["https://example.com"]})):
        request, ours = run(CSPMiddleware, view)
        theirs_request, theirs = run(LibraryCSPMiddleware, view)
        nonce = getattr(request, "_csp_nonce", None)
        expected = theirs["Content-Security-Policy"]
        if nonce:
            expected = expected.replace(theirs_request._csp_nonce, nonce)
        assert ours["Content-Security-Policy"] == expected
    _, updated = run(CSPMiddleware, answer(False, _csp_update={"img-src": ["https://example.com"]}))
    assert "https://example.com" in updated["Content-Security-Policy"]


def test_a_changed_policy_setting_is_built_again(settings):
    _, before = run(CSPMiddleware, answer(False))
    policy = dict(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"] = {**policy["DIRECTIVES"], "frame-src": ["https://video.example"]}
    settings.CONTENT_SECURITY_POLICY = policy
    _, after = run(CSPMiddleware, answer(False))
    assert "frame-src https://video.example" in after["Content-Security-Policy"]
    assert "video.example" not in before["Content-Security-Policy"]


def test_asking_for_the_nonce_after_the_header_is_written_is_an_error():
    request, _ = run(CSPMiddleware, answer(False))
    with pytest.raises(Exception, match="not available after the CSP header"):
        str(request.csp_nonce)
