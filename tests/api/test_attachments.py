"""What other domains attach to a customer: embeds, and how merges and PII deletion treat it."""

from __future__ import annotations

from typing import Any

from patron.customers.tasks import run_pii_deletions
from patron.db import Database
from tests.api.helpers import codes, register
from tests.conftest import Api
from tests.factories import profile, registration, unique_mobile

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)


def subscribe(api: Api, customer_id: int, channel: str = "EMAIL", kind: str = "OPTOUT") -> Any:
    body = {
        "subscriptions": [
            {
                "channel": channel,
                "priority": "BULK",
                "type": kind,
                "sourceName": "INSTORE",
                "accountId": "",
            }
        ]
    }
    response = api.post(f"/v2/customers/{customer_id}/subscriptions", json=body)
    assert response.status_code == 200, response.text
    return response


def upload(api: Api, customer_id: int) -> None:
    response = api.post(
        f"/v2/customers/{customer_id}/setImage", files={"file": ("me.png", PNG, "image/png")}
    )
    assert response.status_code == 200, response.text


def bulk_email(fetched: dict[str, Any]) -> str:
    return next(
        s["type"]
        for s in fetched["subscriptionInfo"]["subscriptions"]
        if s["channel"] == "EMAIL" and s["priority"] == "BULK"
    )


def test_embeds(api: Api) -> None:
    mobile = unique_mobile()
    customer_id = register(api, registration(profile(mobile)))
    subscribe(api, customer_id)
    upload(api, customer_id)
    fetched = api.get(
        f"/v2/customers/{customer_id}?source=INSTORE&embed=subscriptions,CUSTOMERIMAGE"
    ).json()
    assert bulk_email(fetched) == "OPTOUT"
    (image,) = fetched["customerImage"]
    assert image["code"] == 200
    assert api.get(image["filePath"].replace("http://testserver", "")).content == PNG
    details = api.get(
        f"/v2/customers/lookup/customerDetails?source=INSTORE&identifierName=mobile&identifierValue={mobile}&embed=subscriptions"
    ).json()
    assert "subscriptionInfo" in details
    assert "customerImage" not in details


def test_unknown_embeds_fail(api: Api) -> None:
    customer_id = register(api, registration(profile()))
    assert codes(api.get(f"/v2/customers/{customer_id}?embed=horoscope")) == [400]


def test_merge_moves_subscriptions_and_image(api: Api) -> None:
    holder_mobile = unique_mobile()
    holder = register(api, registration(profile(holder_mobile, source="WEBSITE")))
    victim = register(api, registration(profile()))
    subscribe(api, victim)
    upload(api, victim)
    response = api.post(
        f"/v2/customers/{victim}/changeIdentifier?source=INSTORE",
        json={"add": [{"type": "mobile", "value": holder_mobile}]},
    )
    assert response.json()["createdId"] == holder
    fetched = api.get(f"/v2/customers/{holder}?embed=subscriptions,customerimage").json()
    assert bulk_email(fetched) == "OPTOUT"
    assert len(fetched["customerImage"]) == 1


def test_pii_deletion_removes_subscriptions_and_image(api: Api, db: Database) -> None:
    mobile = unique_mobile()
    customer_id = register(api, registration(profile(mobile)))
    subscribe(api, customer_id)
    upload(api, customer_id)
    status = (
        f"/v2/customers/lookup/status?source=INSTORE&identifierName=mobile&identifierValue={mobile}"
    )
    assert (
        api.put(status, json={"reason": "erase me", "label": "Pending Deletion"}).status_code == 200
    )
    run_pii_deletions(db, api.client.app.state.blobs)  # type: ignore[attr-defined]
    fetched = api.get(f"/v2/customers/{customer_id}?embed=subscriptions,customerimage").json()
    assert fetched["customerImage"] == []
    assert bulk_email(fetched) == "OPTIN"
    assert api.get(f"/v2/customers/{customer_id}/image").status_code == 404
