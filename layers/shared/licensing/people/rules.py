"""The rules of a partner's people, pure: who counts as an active owner, how a change moves the count of
active owners (the last one may be neither removed, suspended nor demoted), which changes are allowed,
and what a temporary password must hold (the user pool's policy)."""

from __future__ import annotations

import re

from licensing.people.errors import InvalidPassword, UserBeingRemoved

OWNER = "owner"
ACTIVE, SUSPENDED, REMOVING = "active", "suspended", "removing"
SETTABLE_STATUSES = (ACTIVE, SUSPENDED)  # `removing` is DELETE's, never a PATCH's
MIN_PASSWORD = 12
_PASSWORD_CLASSES = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9\s]")


def active_owner(role: str, status: str) -> bool:
    return role == OWNER and status == ACTIVE


def owner_delta(before: tuple[str, str], after: tuple[str, str] | None) -> int:
    """How a person's change from (role, status) `before` to `after` (None: removed) moves the count of
    active owners: -1, 0 or +1. A -1 is only written while at least two remain."""
    was = active_owner(*before)
    will = after is not None and active_owner(*after)
    return int(will) - int(was)


def check_change(status: str) -> None:
    """A person being removed takes no other change."""
    if status == REMOVING:
        raise UserBeingRemoved("The user is being removed; repeat the DELETE to finish it.")


def check_password(password: str) -> None:
    """The pool's policy (template.yaml): 12 characters or more, lower- and upper-case, digit, symbol."""
    if len(password) < MIN_PASSWORD or not all(re.search(c, password) for c in _PASSWORD_CLASSES):
        raise InvalidPassword(
            "Use at least 12 characters with upper- and lower-case letters, a digit and a symbol."
        )


def normal_email(email: str) -> str:
    """The form a person's e-mail is stored, compared and signed in with."""
    return email.strip().lower()
