"""The lower-cased copies customer search reads are kept by the database on every write."""

from __future__ import annotations

from sqlalchemy import select, update

from patron.customers.models import Identifier, Profile
from patron.db import Database, unit_of_work
from tests.api.helpers import register
from tests.conftest import Api
from tests.factories import profile, registration, unique_mobile


def test_the_lower_cased_columns_follow_any_update(api: Api, db: Database) -> None:
    customer_id = register(
        api,
        registration(
            profile(
                firstName="ÅSA",
                lastName="McKay",
                identifiers=[
                    {"type": "mobile", "value": unique_mobile()},
                    {"type": "externalId", "value": "Ext-ABC"},
                ],
            )
        ),
    )
    with unit_of_work(db.write_session) as session:
        names = session.execute(
            select(Profile.first_name_lower, Profile.last_name_lower).where(
                Profile.customer_id == customer_id
            )
        ).one()
        # Both databases lower-case ASCII letters; SQLite leaves other letters as they are.
        assert names.first_name_lower in ("åsa", "Åsa")
        assert names.last_name_lower == "mckay"
        session.execute(
            update(Profile)
            .where(Profile.customer_id == customer_id)
            .values(first_name="Bea", last_name="NOLAN")
        )
        session.execute(
            update(Identifier)
            .where(Identifier.customer_id == customer_id, Identifier.type == "externalId")
            .values(value="Ext-XYZ")
        )
    with unit_of_work(db.read_session) as session:
        assert session.execute(
            select(Profile.first_name_lower, Profile.last_name_lower).where(
                Profile.customer_id == customer_id
            )
        ).one() == ("bea", "nolan")
        assert session.scalars(
            select(Identifier.value_lower).where(
                Identifier.customer_id == customer_id, Identifier.type == "externalId"
            )
        ).all() == ["ext-xyz"]
    assert [d["userId"] for d in api.get("/v2/customers/search?q=NOL").json()["data"]] == [
        customer_id
    ]
