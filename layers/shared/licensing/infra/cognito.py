"""The user directory: the Cognito user pool (USER_POOL_ID) over cognito-idp, where a partner's people
sign in. The user name is the lower-cased e-mail; `custom:partner_id` says whose person it is (immutable,
set here only). The client is made on first use (botocore honours AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER
locally); Cognito's errors become the people context's typed errors."""

from __future__ import annotations

import os
from typing import Any, NamedTuple

from licensing.people.errors import DirectoryUnavailable, InvalidEmail, InvalidPassword, UserExists

PARTNER_ATTRIBUTE = "custom:partner_id"
_BUSY = {"TooManyRequestsException", "InternalErrorException", "LimitExceededException"}
_clients: dict[tuple[str | None, ...], Any] = {}


class DirectoryUser(NamedTuple):
    sub: str
    email: str
    partner_id: str | None
    status: str  # Cognito's UserStatus, e.g. FORCE_CHANGE_PASSWORD, CONFIRMED


def client() -> Any:
    """One client per endpoint and region (the tests and the dev server point them elsewhere)."""
    names = ("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION")
    where = tuple(os.environ.get(name) for name in names)
    if where not in _clients:
        import boto3  # imported here: no function pays for it at cold start

        _clients[where] = boto3.client("cognito-idp")
    return _clients[where]


def _pool() -> str:
    return os.environ["USER_POOL_ID"]


def _user(attributes: list[dict[str, str]], status: str) -> DirectoryUser:
    values = {a["Name"]: a["Value"] for a in attributes}
    return DirectoryUser(values["sub"], values.get("email", ""), values.get(PARTNER_ATTRIBUTE), status)


def _code(error: Exception) -> str:
    response = getattr(error, "response", None)
    return str((response or {}).get("Error", {}).get("Code", "")) if isinstance(response, dict) else ""


def _translate(error: Exception) -> Exception:
    code = _code(error)
    if code == "UsernameExistsException":
        return UserExists("A user with this e-mail already exists.")
    if code == "InvalidPasswordException":
        return InvalidPassword(
            "Use at least 12 characters with upper- and lower-case letters, a digit and a symbol."
        )
    if code == "InvalidParameterException":
        return InvalidEmail("The user directory refused this e-mail; check it for typing errors.")
    if code in _BUSY:
        return DirectoryUnavailable()
    return error


def create_user(email: str, partner_id: str, temporary_password: str | None = None) -> DirectoryUser:
    """A new person of `partner_id` signing in as `email` (already lower-cased). With a temporary
    password nothing is sent (scripted set-ups); without, Cognito e-mails the invitation."""
    params: dict[str, Any] = {
        "UserPoolId": _pool(),
        "Username": email,
        "UserAttributes": [
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
            {"Name": PARTNER_ATTRIBUTE, "Value": partner_id},
        ],
    }
    if temporary_password is not None:
        params |= {"TemporaryPassword": temporary_password, "MessageAction": "SUPPRESS"}
    else:
        params["DesiredDeliveryMediums"] = ["EMAIL"]
    try:
        created = client().admin_create_user(**params)["User"]
    except Exception as error:
        raise _translate(error) from error
    return _user(created["Attributes"], created.get("UserStatus", ""))


def get_user(email: str) -> DirectoryUser | None:
    """The person signing in as `email`, or None."""
    try:
        found = client().admin_get_user(UserPoolId=_pool(), Username=email)
    except Exception as error:
        if _code(error) == "UserNotFoundException":
            return None
        raise _translate(error) from error
    return _user(found["UserAttributes"], found.get("UserStatus", ""))


def delete_user(username: str) -> None:
    """Delete the person (`username`: the e-mail or the sub); one already gone is fine."""
    try:
        client().admin_delete_user(UserPoolId=_pool(), Username=username)
    except Exception as error:
        if _code(error) != "UserNotFoundException":
            raise _translate(error) from error
