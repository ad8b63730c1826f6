"""A partner's people, the use cases: invite (the user directory first, then the person's item, so a
retry after a crash between the two repairs the invitation), list, change the role or status, remove
(access ends first, then the directory's user, then the item: a retried DELETE finishes the job), and
who-am-I. Each change of an active owner moves the partner's owner count in the same transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from licensing.access import repository as key_repo
from licensing.core import cursors
from licensing.core.errors import Unauthorized, VersionConflict
from licensing.infra import cognito
from licensing.partners import distributors
from licensing.partners.distributor_rules import Contact
from licensing.people import repository, rules
from licensing.people.errors import LastOwner, UserExists, UserNotFound
from licensing.store.idempotency import RECORD, IdempotentRequest
from licensing.store.table import ApiKeyItem, UserItem, restore, snapshot
from licensing.store.transactions import Transaction

ROUTE = "POST /v1/users"
CHANGE_ATTEMPTS = 3  # a person changed meanwhile is read again and the change decided again
_EXISTS = "A user with this e-mail already exists."


class People(NamedTuple):
    items: list[UserItem]
    next_cursor: str | None


def invite(
    partner_id: str,
    email: str,
    role: str,
    temporary_password: str | None,
    idempotency_key: str | None,
    now: datetime,
) -> UserItem:
    """A new person of the partner, exactly once: an e-mail already a person here, or anywhere else, is
    409 USER_EXISTS (the same answer, naming no partner)."""
    email = rules.normal_email(email)
    if temporary_password is not None:
        rules.check_password(temporary_password)
    body = {"email": email, "role": role, "temporary_password": temporary_password is not None}
    once = IdempotentRequest.of(partner_id, idempotency_key, ROUTE, body)

    def attempt() -> UserItem:
        try:
            user = cognito.create_user(email, partner_id, temporary_password)
        except UserExists:
            found = cognito.get_user(email)
            if found is None or found.partner_id != partner_id or repository.get(found.sub) is not None:
                raise UserExists(_EXISTS) from None
            user = found  # created here before a crash, its item never written: write it now
        person = repository.new(user.sub, partner_id, email, role, now)
        tx = Transaction()
        repository.add_create(tx, person)
        repository.add_owners_change(tx, partner_id, rules.owner_delta(("", ""), (role, rules.ACTIVE)))
        once.add_record(tx, result={"user": snapshot(person)}, order_id=None, now=now)
        failed = tx.commit(RECORD, repository.USER)
        once.check(failed)
        if repository.USER in failed:
            raise UserExists(_EXISTS)
        return person

    return once.run(attempt, lambda first: restore(UserItem, first["user"]), now)


def list_people(partner_id: str, *, limit: int, cursor: str | None) -> People:
    fingerprint = cursors.fingerprint(list="users", partner=partner_id, limit=limit)
    start = cursors.decode(cursor, fingerprint, partition={"GSI1PK": repository.partition(partner_id)})
    items, last = repository.page(partner_id, limit=limit, start=start)
    return People(items, cursors.encode(last, fingerprint))


def of_partner(partner_id: str, user_id: str) -> UserItem:
    """The partner's person; another partner's is as unknown as an id nobody has."""
    person = repository.get(user_id)
    if person is None or person.partner_id != partner_id:
        raise UserNotFound(f"No user '{user_id[:128]}'.")
    return person


def change(partner_id: str, user_id: str, changes: dict[str, Any], now: datetime) -> UserItem:
    """A new role and/or status (active, suspended); the last active owner keeps both."""
    for _ in range(CHANGE_ATTEMPTS):
        person = of_partner(partner_id, user_id)
        rules.check_change(person.status)
        wanted = {name: value for name, value in changes.items() if getattr(person, name) != value}
        if not wanted:
            return person
        after = (wanted.get("role", person.role), wanted.get("status", person.status))
        tx = Transaction()
        repository.add_update(tx, person, wanted, now)
        repository.add_owners_change(tx, partner_id, rules.owner_delta((person.role, person.status), after))
        failed = tx.commit(repository.USER, repository.OWNERS)
        if repository.USER in failed:
            continue  # changed meanwhile: decide again on what it is now
        if repository.OWNERS in failed:
            raise LastOwner("The partner's last active owner can be neither suspended nor demoted.")
        for name, value in wanted.items():
            setattr(person, name, value)
        person.updated_at, person.version = now, (person.version or 0) + 1
        return person
    raise VersionConflict("The user keeps changing; read it again and retry.")


def remove(partner_id: str, user_id: str, now: datetime) -> None:
    """Access ends at once (status `removing`, which the authorizer refuses), then the directory's user
    and the item go; repeating the DELETE of a person being removed finishes the job."""
    for _ in range(CHANGE_ATTEMPTS):
        person = of_partner(partner_id, user_id)
        if person.status == rules.REMOVING:
            break
        tx = Transaction()
        repository.add_update(tx, person, {"status": rules.REMOVING}, now)
        repository.add_owners_change(tx, partner_id, rules.owner_delta((person.role, person.status), None))
        failed = tx.commit(repository.USER, repository.OWNERS)
        if repository.USER in failed:
            continue
        if repository.OWNERS in failed:
            raise LastOwner("The partner's last active owner cannot be removed.")
        break
    else:
        raise VersionConflict("The user keeps changing; read it again and retry.")
    cognito.delete_user(person.user_id)
    repository.delete(person)


class Me(NamedTuple):
    person: UserItem | None
    key: ApiKeyItem | None
    distributor: Contact | None = None  # the partner buys through it: who it is, how to reach it


def me(user_id: str | None, api_key_id: str | None, distributor_id: str | None = None) -> Me:
    """The caller's own item: the person (one GetItem) or the API key (one GetItem); and for a partner
    that buys through a distributor, the distributor's contact (one more GetItem, for such partners only)."""
    distributor = distributors.contact(distributor_id) if distributor_id else None
    if user_id:
        if (person := repository.get(user_id)) is None:  # removed since the authorizer read it
            raise Unauthorized("A valid API key or sign-in is required.")
        return Me(person, None, distributor)
    return Me(None, key_repo.get(api_key_id or ""), distributor)
