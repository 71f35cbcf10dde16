"""Image services other domains call: the embed, merge and scrub hooks; blobs follow the commit."""

from __future__ import annotations

from typing import Any

import pytest

from patron.auth.principal import Principal
from patron.auth.service import AuthCaches, load_principal
from patron.db import Database, unit_of_work
from patron.images import repository
from patron.images.service import delete_image, image_embed, move_image, set_image
from patron.kit.blobs import BlobStore
from patron.orgs import repository as orgs_repo
from patron.orgs.service import load_org_config
from tests.conftest import Api, OrgCredentials
from tests.factories import profile, registration

PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)
GIF = b"GIF87a" + bytes(32)


def register(api: Api) -> int:
    return int(api.post("/v2/customers", json=registration(profile())).json()["createdId"])


def blobs_of(api: Api) -> BlobStore:
    store: BlobStore = api.client.app.state.blobs  # type: ignore[attr-defined]
    return store


def principal_of(db: Database, org: OrgCredentials) -> Principal:
    with unit_of_work(db.read_session) as session:
        till = orgs_repo.find_till_by_code(session, org.till_code)
        assert till is not None
        principal = load_principal(session, AuthCaches.create(60, 5), till.id)
    assert principal is not None
    return principal


def upload(api: Api, customer_id: int, data: bytes) -> dict[str, Any]:
    response = api.post(
        f"/v2/customers/{customer_id}/setImage", files={"file": ("a", data, "image/png")}
    )
    assert response.status_code == 200, response.text
    file: dict[str, Any] = response.json()["data"][0]["file"]
    return file


def embed(db: Database, org_id: int, customer_id: int) -> list[dict[str, Any]]:
    with unit_of_work(db.read_session) as session:
        org = load_org_config(session, org_id)
        assert org is not None
        return image_embed(session, org, customer_id, "https://patron.example/")


def test_embed_is_empty_without_an_image(api: Api, db: Database) -> None:
    assert embed(db, api.org.org_id, register(api)) == []


def test_embed_lists_the_image_with_links_to_the_download(api: Api, db: Database) -> None:
    customer_id = register(api)
    file = upload(api, customer_id, PNG)
    url = f"https://patron.example/v2/customers/{customer_id}/image"
    assert embed(db, api.org.org_id, customer_id) == [
        {
            "code": 200,
            "file": file,
            "filePath": url,
            "message": "Success",
            "secureFilePath": url,
            "status": "true",
        }
    ]
    path = url.removeprefix("https://patron.example")
    assert api.get(path).content == PNG


def test_merge_moves_the_image_to_a_survivor_without_one(api: Api, db: Database) -> None:
    victim, survivor = register(api), register(api)
    file = upload(api, victim, PNG)
    with unit_of_work(db.write_session) as session:
        move_image(session, api.org.org_id, victim, survivor)
    (moved,) = embed(db, api.org.org_id, survivor)
    assert moved["file"]["name"] == f"{api.org.org_id}/{survivor}/0"
    assert moved["file"]["s3Token"] == file["s3Token"]
    assert embed(db, api.org.org_id, victim) == []


def test_merge_leaves_the_survivors_own_image(api: Api, db: Database) -> None:
    victim, survivor = register(api), register(api)
    upload(api, victim, PNG)
    own = upload(api, survivor, GIF)
    with unit_of_work(db.write_session) as session:
        move_image(session, api.org.org_id, victim, survivor)
    assert embed(db, api.org.org_id, survivor)[0]["file"] == own


def test_scrub_deletes_the_row_and_then_the_bytes(api: Api, db: Database) -> None:
    customer_id = register(api)
    file = upload(api, customer_id, PNG)
    blobs = blobs_of(api)
    with unit_of_work(db.write_session) as session:
        delete_image(session, api.org.org_id, customer_id, blobs)
        assert blobs.get(file["s3Token"]) == PNG  # kept until the deletion commits
    assert blobs.get(file["s3Token"]) is None
    assert embed(db, api.org.org_id, customer_id) == []


def test_rolled_back_scrub_keeps_the_bytes(api: Api, db: Database) -> None:
    customer_id = register(api)
    file = upload(api, customer_id, PNG)
    blobs = blobs_of(api)

    def scrub_then_fail() -> None:
        with unit_of_work(db.write_session) as session:
            delete_image(session, api.org.org_id, customer_id, blobs)
            raise RuntimeError("the unit of work fails after the scrub")

    with pytest.raises(RuntimeError):
        scrub_then_fail()
    assert blobs.get(file["s3Token"]) == PNG
    assert embed(db, api.org.org_id, customer_id)[0]["file"] == file


def test_rolled_back_upload_removes_its_bytes_and_keeps_the_old_image(
    api: Api, db: Database
) -> None:
    customer_id = register(api)
    old = upload(api, customer_id, PNG)
    blobs = blobs_of(api)
    principal = principal_of(db, api.org)
    written: list[str] = []

    def upload_then_fail() -> None:
        with unit_of_work(db.write_session) as session:
            answer = set_image(session, principal, customer_id, GIF, blobs)
            written.append(answer["data"][0]["file"]["s3Token"])
            assert blobs.get(written[0]) == GIF
            raise RuntimeError("the unit of work fails after the upload")

    with pytest.raises(RuntimeError):
        upload_then_fail()
    assert blobs.get(written[0]) is None
    assert blobs.get(old["s3Token"]) == PNG
    with unit_of_work(db.read_session) as session:
        image = repository.get_image(session, api.org.org_id, customer_id)
        assert image is not None
        assert (image.version, image.blob_key) == (1, old["s3Token"])
