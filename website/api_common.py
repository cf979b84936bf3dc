"""What the API's routers share: the error answers declared in the OpenAPI schema beside each
operation's 200, and bounded pagination.

Django Ninja writes the errors itself: ``{"detail": "Not Found"}`` for an unknown slug or UID,
and ``{"detail": [...]}`` for input that does not validate (the agenda's and directory's
filters explain their mistakes in the language the call asked for, see
``website.forms.api_filters``).
"""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

# Far beyond any listing, and small enough that offset + limit fits the 64-bit LIMIT and
# OFFSET of SQLite and PostgreSQL: a bigger number was an error 500 instead of a 422.
MAX_LIMIT = MAX_OFFSET = 2**31 - 1


class NotFoundOut(Schema):
    detail: str = Field(examples=["Not Found"])


class InputErrorOut(Schema):
    loc: list[str | int] = Field(examples=[["query", "date_from"]])
    msg: str = Field(examples=["Enter a date such as 2027-03-10."])


class InvalidInputOut(Schema):
    detail: list[InputErrorOut]


NOT_FOUND = {404: NotFoundOut}
INVALID = {422: InvalidInputOut}


class Pagination(LimitOffsetPagination):
    """Ninja's limit and offset, with an upper bound."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
