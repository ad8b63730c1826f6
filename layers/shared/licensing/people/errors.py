"""People errors: each a stable code. An e-mail in use at another partner is refused as one in use here,
and another partner's person is not found as an unknown one is, so neither reveals the other partner."""

from __future__ import annotations

from licensing.core.errors import Conflict, DomainError, NotFound, ServiceUnavailable, Unprocessable


class UserNotFound(NotFound):
    code = "USER_NOT_FOUND"
    title = "User not found"


class UserExists(Conflict):
    code = "USER_EXISTS"
    title = "A user with this e-mail already exists"


class LastOwner(Conflict):
    code = "LAST_OWNER"
    title = "A partner keeps at least one active owner"


# 422, not 400: the request fits its schema, and the user pool's policy (or its stricter idea of an
# e-mail) is a rule no schema expresses.
class InvalidPassword(Unprocessable):
    code = "INVALID_PASSWORD"
    title = "The temporary password does not meet the password policy"


class InvalidEmail(Unprocessable):
    code = "INVALID_EMAIL"
    title = "The user directory does not accept this e-mail"


class InvalidUserChange(DomainError):
    code = "INVALID_USER_CHANGE"
    title = "This change of a user is not allowed"


class UserBeingRemoved(Conflict):
    code = "USER_BEING_REMOVED"
    title = "The user is being removed"


class DirectoryUnavailable(ServiceUnavailable):
    code = "DIRECTORY_UNAVAILABLE"
    title = "The user directory is unavailable; retry shortly"
