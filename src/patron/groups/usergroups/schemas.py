"""Wire models of ``/v2/userGroup2`` (documented camelCase names; unknown keys ignored).

Numbers are JSON numbers and text is JSON text (no coercion either way), so what the OpenAPI
document declares is what is accepted. Ids that may be malformed are checked by the service,
which answers 1632 for a group id and 8015 for a customer id.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from patron.kit.ids import MAX_ID
from patron.kit.wire import NoticeOut

MAX_ITEMS = 100
MAX_PERMISSION = 50

Scalar = str | StrictInt | float | StrictBool | None
UserId = Annotated[StrictInt, Field(ge=1, le=MAX_ID, description="A customer id")]
Permission = Annotated[
    str,
    Field(
        max_length=MAX_PERMISSION,
        description="allow_points_redemption, allow_points_transfer, block_points_redemption "
        "or block_points_transfer (any case; another answers 1641)",
    ),
]


class Wire(BaseModel):
    """Base of request models: camelCase aliases, unknown keys ignored, no NaN or infinity."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", allow_inf_nan=False)


class GroupIn(Wire):
    """Body of ``POST /v2/userGroup2``."""

    external_id: str = Field(alias="externalId", max_length=50, description="Unique in the org")
    group_name: str | None = Field(default=None, alias="groupName", max_length=50)
    max_group_size: StrictInt = Field(
        alias="maxGroupSize", description="How many members the group holds (1640 if not above 0)"
    )
    extended_fields: dict[str, Scalar] | None = Field(default=None, alias="extendedFields")
    primary_user_id: UserId | None = Field(
        default=None,
        alias="primaryUserId",
        description="A customer who joins as the primary member at creation",
    )


class GroupChangeIn(Wire):
    """Body of ``PUT /v2/userGroup2``: the group (``id``, else ``externalId``) and its changes."""

    id: StrictInt | None = Field(default=None, description="The group id (1632 if malformed)")
    external_id: str | None = Field(
        default=None,
        alias="externalId",
        max_length=50,
        description="Names the group when `id` is absent; with `id`, the new external id",
    )
    group_name: str | None = Field(default=None, alias="groupName", max_length=50)
    max_group_size: StrictInt | None = Field(default=None, alias="maxGroupSize")
    extended_fields: dict[str, Scalar] | None = Field(default=None, alias="extendedFields")


class JoinIn(Wire):
    """One member of ``POST /v2/userGroup2/join``."""

    user_id: UserId = Field(alias="userId")
    primary_member: StrictBool = Field(default=False, alias="primaryMember")
    permissions: list[Permission] = Field(default_factory=list, max_length=8)


class TransferIn(Wire):
    """Body of ``POST /v2/userGroup2/transfer``."""

    leave_group_id: StrictInt = Field(alias="leaveGroupId")
    join_group_id: StrictInt = Field(alias="joinGroupId")
    user_ids: list[UserId] = Field(alias="userIds", min_length=1, max_length=MAX_ITEMS)


class PermissionsIn(Wire):
    """One member of ``PUT /v2/userGroup2/members/permissions``."""

    user_id: UserId = Field(alias="userId")
    permissions: list[Permission] = Field(max_length=8)


JoinBody = Annotated[list[JoinIn], Field(min_length=1, max_length=MAX_ITEMS)]
PermissionsBody = Annotated[list[PermissionsIn], Field(min_length=1, max_length=MAX_ITEMS)]


class Out(BaseModel):
    """Base of answer models."""

    model_config = ConfigDict(populate_by_name=True)


class EntityOut(Out):
    """Answer of creating, updating and deleting a group: its id."""

    entity: int
    warnings: list[NoticeOut] = Field(default_factory=list)


class PersonOut(Out):
    """A group's primary member in a group answer."""

    user_id: int = Field(alias="userId")
    first_name: str = Field(alias="firstName")
    last_name: str = Field(alias="lastName")


class GroupOut(Out):
    """Answer of ``GET /v2/userGroup2``."""

    id: int
    external_id: str = Field(alias="externalId")
    group_status: str = Field(alias="groupStatus")
    group_name: str = Field(alias="groupName")
    max_group_size: int = Field(alias="maxGroupSize")
    member_count: int = Field(alias="memberCount")
    primary_member: PersonOut | None = Field(alias="primaryMember")
    extended_fields: dict[str, Any] = Field(alias="extendedFields")
    created_by: int = Field(alias="createdBy")
    created_on: str = Field(alias="createdOn")
    last_updated_by: int = Field(alias="lastUpdatedBy")
    last_updated_on: str = Field(alias="lastUpdatedOn")
    warnings: list[NoticeOut] = Field(default_factory=list)


class MembershipOut(Out):
    """A customer's membership of a group (``entityId`` of member answers)."""

    user_id: int = Field(alias="userId")
    group_id: int = Field(alias="groupId")
    permissions: list[str]
    default_group: bool = Field(alias="defaultGroup")
    active: bool
    primary_member: bool = Field(alias="primaryMember")


class MembershipResultOut(Out):
    """What a member call left: the member's role, when it joined, the group's member count."""

    role: str
    joined_on: str = Field(alias="joinedOn")
    member_count: int = Field(alias="memberCount")


class MemberItemOut(Out):
    """The outcome of one member of a call: its membership, or its errors."""

    entity_id: MembershipOut | None = Field(alias="entityId")
    result: MembershipResultOut | None
    warnings: list[NoticeOut]
    errors: list[NoticeOut]


class MembersChangedOut(Out):
    """Answer of join, transfer and permissions: one item per member, in the request's order."""

    response: list[MemberItemOut]
    total_count: int = Field(alias="totalCount")
    failure_count: int = Field(alias="failureCount")


class LeftOut(Out):
    """Answer of ``DELETE /v2/userGroup2/{groupId}/leave``: the membership that ended."""

    entity: MembershipOut
    warnings: list[NoticeOut] = Field(default_factory=list)


class MemberOut(Out):
    """A member in a members listing."""

    user_id: int = Field(alias="userId")
    first_name: str = Field(alias="firstName")
    last_name: str = Field(alias="lastName")
    role: str
    primary_member: bool = Field(alias="primaryMember")
    permissions: list[str]
    default_group: bool = Field(alias="defaultGroup")
    joined_on: str = Field(alias="joinedOn")


class GroupMembersOut(Out):
    """A group with its members, the primary first, then by joining order."""

    id: int
    external_id: str = Field(alias="externalId")
    group_name: str = Field(alias="groupName")
    group_status: str = Field(alias="groupStatus")
    max_group_size: int = Field(alias="maxGroupSize")
    member_count: int = Field(alias="memberCount")
    members: list[MemberOut]


class MembersOut(Out):
    """Answer of ``GET /v2/userGroup2/members``."""

    data: list[GroupMembersOut]
    warnings: list[NoticeOut] = Field(default_factory=list)
    errors: list[NoticeOut] = Field(default_factory=list)
