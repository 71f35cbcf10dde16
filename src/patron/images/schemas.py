"""Wire models of the images domain, as the setImage and embed samples document them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from patron.kit.wire import NoticeOut


class FileOut(BaseModel):
    """The stored file of a customer image."""

    model_config = ConfigDict(populate_by_name=True)

    acl: str
    file_handle: str = Field(alias="fileHandle")
    last_modified: str = Field(alias="lastModified")
    latest_version: int = Field(alias="latestVersion")
    name: str
    namespace: str
    s3_token: str = Field(alias="s3Token")
    version: int


class UploadedFileOut(BaseModel):
    """One uploaded file with its outcome."""

    code: int
    file: FileOut
    message: str
    status: str


class SetImageOut(BaseModel):
    """Answer of ``POST /v2/customers/{id}/setImage``."""

    data: list[UploadedFileOut]
    warnings: list[NoticeOut] = Field(default_factory=list)
    errors: list[NoticeOut] = Field(default_factory=list)
