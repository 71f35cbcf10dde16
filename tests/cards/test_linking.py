"""Linking cards to customers at registration, bulk registration and ``changeIdentifier``."""

from __future__ import annotations

from typing import Any

from patron.customers.tasks import run_pii_deletions
from tests.cards.support import (
    EXTERNAL,
    GENERATED,
    card,
    card_details,
    error,
    generate,
    link,
    new_customer,
    ok,
    register_with,
    series_id,
    set_status,
    unique_number,
    unlink,
)
from tests.conftest import Api, make_org
from tests.factories import profile, registration, unique_mobile

# Every key of the seed's ``cardDetails`` sample, ``statusInfo``'s included.
SAMPLE_KEYS = {
    "cardId", "issuedDate", "createdDate", "expiryDays", "seriesName", "customerId",
    "maxActiveCards", "cardExternalId", "extendedFields", "customFields", "type", "cardNumber",
    "seriesId", "seriesCode", "orgId", "entityId", "statusInfo", "id", "transactionNotAllowed",
}  # fmt: skip
STATUS_INFO_KEYS = {
    "reason", "createdBy", "actions", "autoUpdateTime", "createdOn", "entityId", "id",
    "isActive", "labelId", "label", "status",
}  # fmt: skip


def created(response: Any) -> int:
    return int(ok(response)["createdId"])


def test_registration_links_a_generated_card_by_series_id(api: Api) -> None:
    (number,) = generate(api)
    ident = card(number, seriesId=series_id(api), statusLabel="ACTIVE")
    customer_id = created(register_with(api, ident))
    (details,) = card_details(api, customer_id)
    assert (details["cardNumber"], details["customerId"]) == (number, customer_id)
    assert (details["statusInfo"]["status"], details["seriesCode"]) == ("ACTIVE", GENERATED)


def test_fetch_shows_every_key_of_the_seed_card_sample(api: Api) -> None:
    (number,) = generate(api)
    extended = {"card_balance": 2000}
    ident = card(number, seriesCode=GENERATED, statusLabel="ACTIVE", extendedFields=extended)
    customer_id = created(register_with(api, ident))
    (details,) = card_details(api, customer_id)
    assert set(details) == SAMPLE_KEYS
    assert set(details["statusInfo"]) == STATUS_INFO_KEYS
    assert details["cardId"] == details["id"] == details["statusInfo"]["entityId"]
    assert (details["type"], details["expiryDays"], details["maxActiveCards"]) == (
        "DIGITAL",
        365,
        1,
    )
    assert (details["seriesName"], details["orgId"]) == ("Demo cards", api.org.org_id)
    assert details["extendedFields"] == extended
    assert details["issuedDate"] is not None
    assert (details["transactionNotAllowed"], details["statusInfo"]["isActive"]) == (False, True)
    assert isinstance(details["statusInfo"]["labelId"], int)


def test_an_unknown_series_is_refused(api: Api) -> None:
    ident = card(unique_number(), seriesCode="NOPE", statusLabel="ACTIVE")
    assert error(register_with(api, ident)) == (400, 3000)


def test_an_unknown_number_of_a_generated_series_is_refused(api: Api) -> None:
    ident = card("DEMO99999999", seriesCode=GENERATED, statusLabel="ACTIVE")
    assert error(register_with(api, ident)) == (400, 3010)


def test_a_number_of_another_series_is_refused(api: Api) -> None:
    (number,) = generate(api)
    ident = card(number, seriesCode=EXTERNAL, statusLabel="ACTIVE")
    assert error(register_with(api, ident)) == (400, 3000)


def test_an_external_series_creates_the_card(api: Api) -> None:
    number = unique_number()
    ident = card(number, seriesCode=EXTERNAL, statusLabel="ISSUED", cardExternalId="ext-9")
    customer_id = created(register_with(api, ident))
    (details,) = card_details(api, customer_id)
    assert (details["cardNumber"], details["cardExternalId"]) == (number, "ext-9")
    assert (details["type"], details["statusInfo"]["status"]) == ("PHYSICAL", "ISSUED")


def test_a_card_held_in_the_same_source_registers_no_one_else(api: Api) -> None:
    (number,) = generate(api)
    ok(register_with(api, card(number, seriesCode=GENERATED, statusLabel="ACTIVE")))
    again = register_with(api, card(number, seriesCode=GENERATED, statusLabel="ACTIVE"))
    assert error(again) == (409, 1014)


def test_a_label_that_is_not_issued_or_active_is_refused(api: Api) -> None:
    (number,) = generate(api)
    ident = card(number, seriesCode=GENERATED, statusLabel="SUSPENDED")
    assert error(register_with(api, ident)) == (400, 3017)


def test_an_unknown_label_is_refused(api: Api) -> None:
    (number,) = generate(api)
    ident = card(number, seriesCode=GENERATED, statusLabel="SHINY")
    assert error(register_with(api, ident)) == (400, 3017)


def test_a_refused_card_registers_nothing(api: Api) -> None:
    mobile = unique_mobile()
    ident = card("DEMO99999999", seriesCode=GENERATED, statusLabel="ACTIVE")
    body = registration(profile(identifiers=[{"type": "mobile", "value": mobile}, ident]))
    assert error(api.post("/v2/customers", json=body)) == (400, 3010)
    found = api.get(
        f"/v2/customers/lookup?source=INSTORE&identifierName=mobile&identifierValue={mobile}"
    )
    assert found.status_code == 404


def test_a_second_card_of_a_series_beyond_its_maximum_is_refused(api: Api) -> None:
    first, second = generate(api, 2)
    customer_id = created(register_with(api, card(first, seriesCode=GENERATED)))
    assert error(link(api, customer_id, second)) == (409, 3036)


def test_more_cards_of_a_series_in_one_request_than_its_maximum_are_refused(api: Api) -> None:
    first, second = generate(api, 2)
    both = (card(first, seriesCode=GENERATED), card(second, seriesCode=GENERATED))
    assert error(register_with(api, *both)) == (400, 3039)


def test_a_deleted_card_no_longer_counts_against_the_maximum(api: Api) -> None:
    first, second = generate(api, 2)
    customer_id = created(register_with(api, card(first, seriesCode=GENERATED)))
    ok(set_status(api, first, "DELETED"))
    ok(link(api, customer_id, second))
    statuses = {d["cardNumber"]: d["statusInfo"]["status"] for d in card_details(api, customer_id)}
    assert statuses == {first: "DELETED", second: "ACTIVE"}


def test_change_identifier_issues_a_card_named_by_number_only(api: Api) -> None:
    (number,) = generate(api)
    customer_id = new_customer(api)
    body = {"add": [card(number, statusLabel="ACTIVE")]}
    ok(api.post(f"/v2/customers/{customer_id}/changeIdentifier?source=INSTORE", json=body))
    (details,) = card_details(api, customer_id)
    assert (details["cardNumber"], details["seriesCode"]) == (number, GENERATED)


def test_a_linked_card_finds_its_customer_by_lookup(api: Api) -> None:
    (number,) = generate(api)
    customer_id = created(register_with(api, card(number, seriesCode=GENERATED)))
    found = api.get(
        f"/v2/customers/lookup?source=INSTORE&identifierName=cardnumber&identifierValue={number}"
    )
    assert ok(found)["entity"] == customer_id


def test_unlinking_makes_the_card_not_issued_and_linkable_again(api: Api) -> None:
    (number,) = generate(api)
    first = created(register_with(api, card(number, seriesCode=GENERATED)))
    ok(unlink(api, first, number))
    assert card_details(api, first) == []
    log = ok(api.get("/v2/card/statusLog", params={"number": number}))["entity"]
    assert [(e["status"], e["customerId"]) for e in log][-1] == ("NOT_ISSUED", None)
    second = new_customer(api)
    ok(link(api, second, number))
    assert [d["cardNumber"] for d in card_details(api, second)] == [number]


def test_unlinking_with_a_label_other_than_not_issued_is_refused(api: Api) -> None:
    (number,) = generate(api)
    customer_id = created(register_with(api, card(number, seriesCode=GENERATED)))
    assert error(unlink(api, customer_id, number, label="ACTIVE")) == (400, 3031)


def test_an_expired_card_cannot_be_unlinked(api: Api) -> None:
    (number,) = generate(api)
    customer_id = created(register_with(api, card(number, seriesCode=GENERATED)))
    ok(set_status(api, number, "EXPIRED"))
    assert error(unlink(api, customer_id, number)) == (400, 3031)


def test_a_card_without_series_or_known_number_stays_a_plain_identifier(api: Api) -> None:
    customer_id = created(register_with(api, card("LEGACY-1", statusLabel="active")))
    (details,) = card_details(api, customer_id)
    assert (details["cardNumber"], details["cardId"], details["seriesId"]) == (
        "LEGACY-1",
        None,
        None,
    )
    assert details["statusInfo"]["label"] == "ACTIVE"
    assert set(details) == SAMPLE_KEYS


def test_a_mapped_label_links_a_card(api: Api) -> None:
    mapping = {"mapping": {"ACTIVE": [{"label": "Gold"}]}}
    ok(api.post("/v2/genericStatus/card/labelMapping", json=mapping))
    (number,) = generate(api)
    customer_id = created(
        register_with(api, card(number, seriesCode=GENERATED, statusLabel="gold"))
    )
    (details,) = card_details(api, customer_id)
    assert (details["statusInfo"]["label"], details["statusInfo"]["status"]) == ("Gold", "ACTIVE")


def test_bulk_registration_links_the_card(api: Api) -> None:
    (number,) = generate(api)
    ident = card(number, seriesCode=GENERATED, statusLabel="ACTIVE")
    item = registration(profile(identifiers=[{"type": "mobile", "value": unique_mobile()}, ident]))
    answer = api.post("/v2/customers/bulk", json=[item])
    assert answer.status_code == 200, answer.text
    log = ok(api.get("/v2/card/statusLog", params={"number": number}))["entity"]
    assert log[-1]["status"] == "ACTIVE"
    assert isinstance(log[-1]["customerId"], int)


def test_a_profile_update_links_the_card(api: Api) -> None:
    (number,) = generate(api)
    customer_id = new_customer(api)
    update = {
        "profiles": [{"source": "INSTORE", "identifiers": [card(number, seriesCode=GENERATED)]}]
    }
    ok(api.put(f"/v2/customers/{customer_id}?source=INSTORE", json=update))
    assert [d["cardNumber"] for d in card_details(api, customer_id)] == [number]


def test_a_merge_gives_the_survivor_the_victims_cards(api: Api) -> None:
    (number,) = generate(api)
    mobile = unique_mobile()
    victim = created(register_with(api, card(number, seriesCode=GENERATED)))
    survivor = created(
        api.post(
            "/v2/customers",
            json=registration(profile(mobile, source="LINE", account_id="LINE-DEMO")),
        )
    )
    body = {"add": [{"type": "mobile", "value": mobile}]}
    merged = ok(api.post(f"/v2/customers/{victim}/changeIdentifier?source=INSTORE", json=body))
    assert merged["createdId"] == survivor
    assert [d["customerId"] for d in card_details(api, survivor)] == [survivor]


def test_a_registration_series_issues_a_card_to_every_new_loyalty_customer(
    db: Any, app_client: Any
) -> None:
    series = {
        "code": "WELCOME",
        "name": "Welcome cards",
        "trigger": "REGISTRATION",
        "cardGenerationConfiguration": {"prefix": "W", "length": 8},
    }
    org = make_org(db, cardSeries=[series])
    api = Api(app_client, org)
    customer_id = created(register_with(api))
    (details,) = card_details(api, customer_id)
    assert (details["cardNumber"], details["seriesCode"]) == ("W0000001", "WELCOME")
    assert details["statusInfo"]["status"] == "ACTIVE"
    found = api.get(
        "/v2/customers/lookup?source=INSTORE&identifierName=cardnumber&identifierValue=W0000001"
    )
    assert ok(found)["entity"] == customer_id


def test_a_refused_card_in_a_bulk_registration_fails_that_item_only(api: Api) -> None:
    (number,) = generate(api)
    good = card(number, seriesCode=GENERATED)
    bad = card(unique_number(), seriesCode="NOPE")
    items = [
        registration(profile(identifiers=[{"type": "mobile", "value": unique_mobile()}, ident]))
        for ident in (good, bad)
    ]
    answer = api.post("/v2/customers/bulk", json=items)
    assert answer.status_code == 200, answer.text
    first, second = (item["entity"] for item in answer.json())
    assert (isinstance(first["id"], int), first.get("errors")) == (True, None)
    assert (second["id"], [e["code"] for e in second["errors"]]) == (None, [3000])


def test_a_refused_card_in_a_profile_update_is_a_warning(api: Api) -> None:
    customer_id = new_customer(api)
    ident = card(unique_number(), seriesCode="NOPE")
    update = {"profiles": [{"source": "INSTORE", "identifiers": [ident]}]}
    answer = ok(api.put(f"/v2/customers/{customer_id}?source=INSTORE", json=update))
    assert [w["code"] for w in answer["warnings"]] == [3000]
    assert card_details(api, customer_id) == []


def test_a_scrubbed_customers_cards_are_deleted_and_never_linked_again(api: Api, db: Any) -> None:
    (number,) = generate(api)
    mobile = unique_mobile()
    ident = card(number, seriesCode=GENERATED, extendedFields={"card_balance": 5})
    body = registration(profile(identifiers=[{"type": "mobile", "value": mobile}, ident]))
    created(api.post("/v2/customers", json=body))
    status = (
        f"/v2/customers/lookup/status?source=INSTORE&identifierName=mobile&identifierValue={mobile}"
    )
    ok(api.put(status, json={"reason": "asked", "label": "Pending Deletion"}))
    run_pii_deletions(db, api.client.app.state.blobs)  # type: ignore[attr-defined]
    log = ok(api.get("/v2/card/statusLog", params={"number": number}))["entity"]
    assert (log[-1]["status"], log[-1]["reason"]) == ("DELETED", "customer deleted")
    assert error(link(api, new_customer(api), number)) == (409, 3027)
