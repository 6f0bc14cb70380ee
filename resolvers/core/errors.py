"""Refusals with an `extensions.code`, raised by resolvers and turned into GraphQL errors."""

from __future__ import annotations

from graphql import GraphQLError


class MastheadError(GraphQLError):
    """A refused request: the message says why, `extensions.code` says what kind."""

    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"code": self.code})


class BadUserInput(MastheadError):
    """An argument value the server cannot use (a bad cursor, `first: 1000`, a bad id)."""

    code = "BAD_USER_INPUT"


class Unauthenticated(MastheadError):
    """The operation needs a token and the request carried none (or an unknown one)."""

    code = "UNAUTHENTICATED"


class Forbidden(MastheadError):
    """The token's role may not do this."""

    code = "FORBIDDEN"
