"""The shapes the API answers in, shared by the routers. Dates ISO 8601, money as strings."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema

# An id in a path: a positive number a database integer can hold (a larger one is a 422, not a
# database error).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class ErrorOut(Schema):
    """Every refusal: a stable code (the domain's error code, or the API's own) and a message in
    the request's language (Accept-Language: nl or en)."""

    code: str = Field(examples=["item_on_loan"])
    message: str = Field(examples=["Dit exemplaar is al uitgeleend."])


class BranchOut(Schema):
    code: str
    name: str
    isil: str


class BranchAvailabilityOut(Schema):
    branch: BranchOut
    copies: int
    available: int
    call_numbers: list[str]


class RecordSummaryOut(Schema):
    id: int
    title: str
    subtitle: str
    contributors: list[str]
    year: int | None
    isbn: str
    language: str
    material_type: str
    # Only for a token with availability:read; otherwise null.
    copies: int | None = None
    available_at: list[str] | None = None
    waiting: int | None = None


class SearchOut(Schema):
    """One page of results. Paging: ``page`` (from 1) and ``per_page`` (1–100); ``total`` counts
    every match up to 100,000 (``total_exact`` false beyond); at most the first 2,000 matches are
    ranked, so pages end there."""

    items: list[RecordSummaryOut]
    total: int
    total_exact: bool
    page: int
    per_page: int
    suggestion: str | None


class RecordOut(Schema):
    id: int
    title: str
    subtitle: str
    contributors: list[str]
    publisher: str
    year: int | None
    isbn: str
    language: str
    material_type: str
    subjects: list[str]
    summary: str
    # Only for a token with availability:read; otherwise null.
    availability: list[BranchAvailabilityOut] | None = None
    waiting: int | None = None


class ItemOut(Schema):
    barcode: str
    record_id: int
    title: str
    status: str
    item_type: str
    home_branch: str
    current_branch: str
    call_number: str
    due_date: dt.date | None


class LoanOut(Schema):
    id: int
    barcode: str
    record_id: int
    title: str
    checked_out_at: dt.datetime
    due_date: dt.date
    renewals: int


class HoldOut(Schema):
    id: int
    record_id: int
    title: str
    status: str
    pickup_branch: str
    placed_at: dt.datetime
    pickup_deadline: dt.date | None


class ChargeOut(Schema):
    id: int
    kind: str
    created_at: dt.datetime
    note: str
    title: str | None
    owed: str = Field(description="Still to pay, in euros, e.g. '1.50'.")


class MeOut(Schema):
    card_number: str
    first_name: str
    status: str
    membership_end: dt.date | None
    home_branch: str


class MemberStatusOut(Schema):
    card_number: str
    status: str
    membership_end: dt.date | None
    may_borrow: bool
    refusal: str | None = Field(None, description="Why not, as an error code.")


class Page(Schema):
    """A page of a list. Paging: ``limit`` (1–100, default 50) and ``offset`` (from 0)."""

    total: int
    limit: int
    offset: int


class LoansOut(Page):
    items: list[LoanOut]


class HoldsOut(Page):
    items: list[HoldOut]


class ChargesOut(Page):
    items: list[ChargeOut]


class HoldIn(Schema):
    record_id: Id
    pickup_branch: str = Field(max_length=20, description="The branch's code or ISIL.")


class CheckoutIn(Schema):
    barcode: str = Field(max_length=64)
    card_number: str = Field(max_length=32)
    branch: str = Field(max_length=20, description="Where it happens: the branch's code or ISIL.")


class CheckinIn(Schema):
    barcode: str = Field(max_length=64)
    branch: str = Field(max_length=20, description="Where it happens: the branch's code or ISIL.")


class CheckoutOut(Schema):
    loan_id: int
    barcode: str
    due_date: dt.date


class CheckinOut(Schema):
    barcode: str
    destination: str = Field(description="shelf, holds_shelf or transit")
    to_branch: str = Field(description="The code of the branch the copy goes to.")
    returned_late: bool
    received_transfer: bool
