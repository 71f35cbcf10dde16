"""Standard Webhooks signatures: what patron signs, the reference library verifies."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from standardwebhooks import Webhook as StandardWebhook
from standardwebhooks.webhooks import WebhookVerificationError

from patron.webhooks.signing import new_secret, signing_headers, signing_keys

BODY = b'{"eventId":"81b1f0ce-8119-4826-9cca-610bd31d4038"}'
MSG_ID = "81b1f0ce-8119-4826-9cca-610bd31d4038"


def now_ts() -> int:
    return int(dt.datetime.now(dt.UTC).timestamp())


def test_new_secrets_are_whsec_base64_of_24_bytes() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 24
    assert new_secret() != secret


def test_the_reference_library_verifies_our_signature() -> None:
    secret = new_secret()
    headers = signing_headers([secret], MSG_ID, now_ts(), BODY)
    assert headers["webhook-id"] == MSG_ID
    assert headers["webhook-signature"].startswith("v1,")
    assert StandardWebhook(secret).verify(BODY, headers) == {"eventId": MSG_ID}


def test_a_signature_by_another_key_is_rejected() -> None:
    headers = signing_headers([new_secret()], MSG_ID, now_ts(), BODY)
    with pytest.raises(WebhookVerificationError):
        StandardWebhook(new_secret()).verify(BODY, headers)


def test_two_keys_give_two_signatures_each_verifiable() -> None:
    old, new = new_secret(), new_secret()
    headers = signing_headers([new, old], MSG_ID, now_ts(), BODY)
    assert len(headers["webhook-signature"].split(" ")) == 2
    StandardWebhook(old).verify(BODY, headers)
    StandardWebhook(new).verify(BODY, headers)


def test_previous_key_signs_only_during_the_overlap() -> None:
    now = dt.datetime.now(dt.UTC)
    later = now + dt.timedelta(hours=1)
    assert signing_keys("new", "old", later, now) == ["new", "old"]
    assert signing_keys("new", "old", now, later) == ["new"]
    assert signing_keys("new", None, None, now) == ["new"]
