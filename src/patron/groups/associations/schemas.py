"""Wire models of associations: a customer body (as ``POST /v2/customers`` takes it) with its
``associationDetails``.

Items and child customers are taken as given and read one by one, so that a malformed one fails
alone with its own errors.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import Field, ValidationError

from patron.customers.schemas import RegisterCustomerIn, Wire
from patron.errors import Invalid
from patron.groups.hierarchy.schemas import CompanyRefIn

INVALID_INPUT = 400
T = TypeVar("T", bound=RegisterCustomerIn)
_PROBLEMS_SHOWN = 5


class AssociationIn(Wire):
    """``associationDetails``: where the customer, its parent and its children go."""

    hierarchy_code: str | None = Field(default=None, alias="hierarchyCode")
    role_code: str | None = Field(default=None, alias="roleCode")
    child_role_code: str | None = Field(default=None, alias="childRoleCode")
    child_customers: list[Any] | None = Field(default=None, alias="childCustomers")
    parent_customer: RegisterCustomerIn | None = Field(default=None, alias="parentCustomer")
    fleet_company: CompanyRefIn | None = Field(default=None, alias="fleetCompany")

    @property
    def company_external_id(self) -> str | None:
        """The ``fleetCompany.externalId`` named, or None."""
        return self.fleet_company.external_id if self.fleet_company is not None else None


class AssociatedCustomerIn(RegisterCustomerIn):
    """One item of ``/v2/customers/bulk``: a customer and its ``associationDetails``."""

    referral_code: str | None = Field(default=None, alias="referralCode")
    association_details: AssociationIn | None = Field(default=None, alias="associationDetails")


def read_item(raw: Any) -> AssociatedCustomerIn:
    """Read one batch item, or refuse it (400) saying what is wrong."""
    return _read(raw, AssociatedCustomerIn, "an item")


def read_child(raw: Any) -> RegisterCustomerIn:
    """Read one of ``childCustomers``, or refuse it (400) saying what is wrong."""
    return _read(raw, RegisterCustomerIn, "a child customer")


def _read(raw: Any, model: type[T], what: str) -> T:
    if not isinstance(raw, dict):
        raise Invalid(INVALID_INPUT, f"Input is invalid: {what} must be a JSON object")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        parts = [
            f"{'.'.join(str(p) for p in err['loc']) or 'body'}: {err['msg']}"
            for err in exc.errors()[:_PROBLEMS_SHOWN]
        ]
        raise Invalid(INVALID_INPUT, "Input is invalid. " + "; ".join(parts)) from None
