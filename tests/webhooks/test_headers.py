"""How static headers join patron's own on a request."""

from __future__ import annotations

from patron.webhooks.headers import request_headers

DEFAULTS = {"content-type": "application/json", "user-agent": "patron-webhooks/1"}
SIGNING = {"webhook-id": "e", "webhook-timestamp": "1", "webhook-signature": "v1,x"}


def test_a_static_header_replaces_a_default_whatever_its_case() -> None:
    static = {"Content-Type": "application/json; charset=utf-8", "USER-AGENT": "crm"}
    headers = request_headers(DEFAULTS, static, SIGNING)
    assert [k for k in headers if k.lower() == "content-type"] == ["Content-Type"]
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert [k for k in headers if k.lower() == "user-agent"] == ["USER-AGENT"]


def test_framing_headers_are_left_to_the_http_client() -> None:
    static = {"Content-Length": "5", "transfer-encoding": "chunked", "X-Tenant": "acme"}
    headers = request_headers(DEFAULTS, static, SIGNING)
    assert {k.lower() for k in headers} == {*DEFAULTS, *SIGNING, "x-tenant"}
