"""POST /v2/customers/{id}/setImage and GET /v2/customers/{id}/image."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from patron.app import create_app
from patron.config import Settings
from patron.customers.models import Customer
from patron.db import Database, unit_of_work
from patron.kit.blobs import BlobStore
from tests.conftest import Api, make_org
from tests.factories import profile, registration

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64)
GIF = b"GIF89a" + bytes(64)
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(64)


def register(api: Api) -> int:
    return int(api.post("/v2/customers", json=registration(profile())).json()["createdId"])


def upload(
    api: Api, customer_id: int, data: bytes, content_type: str = "image/png", field: str = "file"
) -> Any:
    files = {field: ("photo.png", data, content_type)}
    return api.post(f"/v2/customers/{customer_id}/setImage", files=files)


def codes(response: Any) -> list[int]:
    return [e["code"] for e in response.json()["errors"]]


def blobs_of(api: Api) -> BlobStore:
    store: BlobStore = api.client.app.state.blobs  # type: ignore[attr-defined]
    return store


@pytest.fixture
def small_api(settings: Settings, db: Database) -> Iterator[Api]:
    """A client of an app that accepts images of at most 1 KiB."""
    small = settings.model_copy(update={"image_max_bytes": 1024})
    with TestClient(create_app(small, db), raise_server_exceptions=False) as client:
        yield Api(client, make_org(db))


def test_upload_answers_the_documented_shape(api: Api) -> None:
    customer_id = register(api)
    response = upload(api, customer_id, PNG)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["warnings"] == []
    assert body["errors"] == []
    (item,) = body["data"]
    assert item["code"] == 200
    assert item["message"] == "Successfully uploaded file"
    assert item["status"] == "true"
    file = item["file"]
    org_id = api.org.org_id
    assert set(file) == {
        "acl",
        "fileHandle",
        "lastModified",
        "latestVersion",
        "name",
        "namespace",
        "s3Token",
        "version",
    }
    assert file["acl"] == "PRIVATE"
    assert uuid.UUID(file["fileHandle"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", file["lastModified"])
    assert file["version"] == file["latestVersion"] == 1
    assert file["name"] == f"{org_id}/{customer_id}/0"
    assert file["namespace"] == "customerImage"
    assert file["s3Token"].startswith(f"customerImage/{org_id}/{customer_id}/")


def test_each_upload_is_a_new_version_and_replaces_the_bytes(api: Api) -> None:
    customer_id = register(api)
    first = upload(api, customer_id, PNG).json()["data"][0]["file"]
    second = upload(api, customer_id, GIF, "image/gif").json()["data"][0]["file"]
    assert (second["version"], second["latestVersion"]) == (2, 2)
    assert second["fileHandle"] == first["fileHandle"]
    assert second["s3Token"] != first["s3Token"]
    assert blobs_of(api).get(first["s3Token"]) is None
    assert blobs_of(api).get(second["s3Token"]) == GIF
    download = api.get(f"/v2/customers/{customer_id}/image")
    assert download.content == GIF


@pytest.mark.parametrize(
    ("data", "media_type"),
    [(PNG, "image/png"), (JPEG, "image/jpeg"), (GIF, "image/gif"), (WEBP, "image/webp")],
)
def test_download_returns_the_bytes_with_their_type(api: Api, data: bytes, media_type: str) -> None:
    customer_id = register(api)
    assert upload(api, customer_id, data, "application/octet-stream").status_code == 200
    response = api.get(f"/v2/customers/{customer_id}/image")
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content == data


def test_the_bytes_decide_not_the_declared_type(api: Api) -> None:
    customer_id = register(api)
    response = upload(api, customer_id, b"<svg onload=alert(1)>" + bytes(16), "image/png")
    assert response.status_code == 400
    assert codes(response) == [400]
    assert "not a PNG, JPEG, GIF or WebP" in response.json()["errors"][0]["message"]
    assert api.get(f"/v2/customers/{customer_id}/image").status_code == 404


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"files": {"photo": ("p.png", PNG, "image/png")}}, "no file field"),
        ({"data": {"file": "not a file"}, "files": {"x": ("x", b"x")}}, "no file field"),
        ({"files": {"file": ("p.png", b"", "image/png")}}, "empty"),
        ({"json": {"file": "aGVsbG8="}}, "multipart/form-data"),
        (
            {
                "content": b"--nope\r\n",
                "headers": {"Content-Type": "multipart/form-data"},
            },
            "boundary",
        ),
    ],
)
def test_missing_or_malformed_file_is_400(api: Api, kwargs: dict[str, Any], message: str) -> None:
    customer_id = register(api)
    response = api.post(f"/v2/customers/{customer_id}/setImage", **kwargs)
    assert response.status_code == 400, response.text
    assert codes(response) == [400]
    assert message in response.json()["errors"][0]["message"]


def test_image_over_the_limit_is_413(small_api: Api) -> None:
    customer_id = register(small_api)
    response = upload(small_api, customer_id, PNG + bytes(1024))
    assert response.status_code == 413
    assert codes(response) == [413]
    assert upload(small_api, customer_id, PNG).status_code == 200


def test_streamed_body_over_the_limit_is_cut_short(small_api: Api) -> None:
    customer_id = register(small_api)

    def chunks() -> Iterator[bytes]:
        yield b"--b\r\nContent-Disposition: form-data; name=file; filename=a.png\r\n\r\n" + PNG
        for _ in range(10_000):
            yield bytes(1024)

    response = small_api.post(
        f"/v2/customers/{customer_id}/setImage",
        content=chunks(),
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert response.status_code == 413
    assert codes(response) == [413]


def test_unknown_customer_is_8015(api: Api) -> None:
    assert codes(upload(api, 987654321, PNG)) == [8015]
    assert codes(api.get("/v2/customers/987654321/image")) == [8015]


def test_merged_customer_is_8069(api: Api, db: Database) -> None:
    victim, survivor = register(api), register(api)
    with unit_of_work(db.write_session) as session:
        customer = session.get(Customer, victim)
        assert customer is not None
        customer.merged_into_id = survivor
    response = upload(api, victim, PNG)
    assert response.status_code == 404
    assert codes(response) == [8069]
    assert codes(api.get(f"/v2/customers/{victim}/image")) == [8069]


def test_customer_without_image_is_404(api: Api) -> None:
    customer_id = register(api)
    response = api.get(f"/v2/customers/{customer_id}/image")
    assert response.status_code == 404
    assert codes(response) == [404]


def test_customer_of_another_org_is_not_found(
    api: Api, app_client: TestClient, db: Database
) -> None:
    customer_id = register(api)
    upload(api, customer_id, PNG)
    stranger = Api(app_client, make_org(db))
    assert codes(stranger.get(f"/v2/customers/{customer_id}/image")) == [8015]
    assert codes(upload(stranger, customer_id, PNG)) == [8015]


def test_credentials_are_required(app_client: TestClient) -> None:
    response = app_client.post("/v2/customers/1/setImage", files={"file": ("a", PNG)})
    assert response.status_code == 401
    assert app_client.get("/v2/customers/1/image").status_code == 401
