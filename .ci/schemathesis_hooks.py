"""Checks sixin adds to schemathesis: its answers keep HTTP 200 and carry
the outcome in the envelope, so a server error shows as `code: -500` (a
panic is caught and answered that way too)."""

import schemathesis


@schemathesis.check
def no_internal_error(ctx, response, case):
    if response.status_code >= 500:
        raise AssertionError(f"HTTP {response.status_code}")
    content_type = response.headers.get("content-type", [""])
    if isinstance(content_type, list):
        content_type = content_type[0] if content_type else ""
    if "json" not in content_type:
        return None
    try:
        body = response.json()
    except Exception:
        raise AssertionError("a JSON content type with a body that is not JSON")
    if isinstance(body, dict) and body.get("code") == -500:
        raise AssertionError(f"envelope code -500: {body}")
    return None
