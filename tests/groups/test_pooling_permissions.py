"""Group member permissions: block_points_redemption refuses the member's redemptions (1643),
block_points_transfer its points transfers (1644); a later allow_… lifts the block."""

from __future__ import annotations

from patron.db import Database
from tests.api.helpers import codes
from tests.conftest import Api
from tests.groups.test_pooling import delete_group, fleet, make_group
from tests.loyalty.test_redemptions import balance, loyal, redeem, redemptions
from tests.loyalty.test_transfers import by_id, check, transfer

BLOCK_REDEMPTION = ["block_points_redemption"]
BLOCK_TRANSFER = ["block_points_transfer"]


def blocked_member(api: Api, db: Database, permissions: list[str]) -> int:
    """A loyalty customer (100 registration points) in a group with ``permissions``."""
    member = loyal(api)
    make_group(db, api.org.org_id, [member], permissions={member: permissions})
    return member


def test_a_member_whose_redemption_is_blocked_cannot_redeem(api: Api, db: Database) -> None:
    member = blocked_member(api, db, BLOCK_REDEMPTION)
    before = balance(db, api.org.org_id, member)
    response = redeem(api, member, 50)
    assert (response.status_code, codes(response)) == (403, [1643])
    assert balance(db, api.org.org_id, member) == before
    assert redemptions(db, api.org.org_id) == []


def test_a_blocked_member_cannot_even_check_a_redemption(api: Api, db: Database) -> None:
    member = blocked_member(api, db, BLOCK_REDEMPTION)
    assert codes(redeem(api, member, 50, commit=False)) == [1643]


def test_an_allow_given_after_the_block_lifts_it(api: Api, db: Database) -> None:
    member = blocked_member(api, db, ["block_points_redemption", "allow_points_redemption"])
    assert redeem(api, member, 50).status_code == 200


def test_a_transfer_block_does_not_block_redemption(api: Api, db: Database) -> None:
    member = blocked_member(api, db, BLOCK_TRANSFER)
    assert redeem(api, member, 50).status_code == 200


def test_a_deleted_group_blocks_nothing(api: Api, db: Database) -> None:
    member = loyal(api)
    group_id = make_group(db, api.org.org_id, [member], permissions={member: BLOCK_REDEMPTION})
    delete_group(db, api.org.org_id, group_id)
    assert redeem(api, member, 50).status_code == 200


def test_a_fleet_driver_with_the_roles_block_cannot_redeem(api: Api, db: Database) -> None:
    owner, driver = loyal(api), loyal(api)
    fleet(db, api.org.org_id, owner, [driver], permissions={driver: BLOCK_REDEMPTION})
    assert codes(redeem(api, driver, 50)) == [1643]
    assert redeem(api, owner, 50).status_code == 200


def test_a_member_whose_transfer_is_blocked_cannot_send_points(api: Api, db: Database) -> None:
    member = blocked_member(api, db, BLOCK_TRANSFER)
    receiver = loyal(api)
    before = balance(db, api.org.org_id, member)
    response = transfer(api, 10, by_id(member), by_id(receiver))
    assert (response.status_code, codes(response)) == (403, [1644])
    assert codes(check(api, 10, by_id(member), by_id(receiver))) == [1644]
    assert balance(db, api.org.org_id, member) == before


def test_a_member_whose_transfer_is_blocked_may_still_receive(api: Api, db: Database) -> None:
    member = blocked_member(api, db, BLOCK_TRANSFER)
    sender = loyal(api)
    assert transfer(api, 10, by_id(sender), by_id(member)).status_code == 200
