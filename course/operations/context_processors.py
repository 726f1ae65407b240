def request_context(request) -> dict:
    """The request id (error pages show it) and the CSP nonce (django-htmx and CodeMirror read it)."""
    return {"request_id": getattr(request, "request_id", ""), "csp_nonce": getattr(request, "csp_nonce", "")}
