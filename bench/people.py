"""A partner's person signed in through moto's Cognito, for the authorizer's figures: the template's
pool, the person created through the admin route, and the sign-in flow's ID token.

In process, moto cannot serve the JWKS to urllib, so the authorizer is given moto's published key set
(the one fetch a container makes is not what the figures are about); verifying stays real."""

from __future__ import annotations

import gc
import time

import boto3
from moto.utilities.utils import load_resource

from bench.world import Partner, World
from devtools import user_pool
from licensing.access import tokens

TEMPORARY, PASSWORD = "Bench-Temp-Passw0rd!", "Bench-Final-Passw0rd!"


def signed_in(world: World, partner: Partner, email: str = "bench-owner@partner.example") -> str:
    """The ID token of a new owner of `partner`."""
    pool = user_pool.create_user_pool(boto3.client("cognito-idp"))
    user_pool.apply(pool)
    published = load_resource("cognitoidp/resources/jwks-public.json")
    tokens.fetch_jwks = lambda url: published  # type: ignore[assignment]
    tokens.reset()
    world._admin(
        f"/v1/admin/partners/{partner.id}/users",
        {"email": email, "role": "owner", "temporary_password": TEMPORARY},
    )
    cognito = boto3.client("cognito-idp")
    started = cognito.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": TEMPORARY},
    )
    answered = cognito.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=started["Session"],
        ChallengeResponses={"USERNAME": email, "NEW_PASSWORD": PASSWORD},
    )
    return str(answered["AuthenticationResult"]["IdToken"])


SAMPLES, WARM_UP = 500, 50


def authorizer_latency(world: World, partner: Partner, token: str) -> dict[str, tuple[float, float]]:
    """The REQUEST authorizer's p50 and p99 in ms for the partner's key and for the person's token,
    interleaved call by call, in process against moto (so only the difference means much)."""
    from bench.latency import Percentiles

    timings: dict[str, list[float]] = {"API key": [], "a person's ID token": []}
    gc.collect()
    gc.freeze()
    try:
        for index in range(WARM_UP + SAMPLES):
            for name, bearer in (("API key", None), ("a person's ID token", token)):
                start = time.perf_counter()
                world.authorize(partner, bearer)
                if index >= WARM_UP:
                    timings[name].append(time.perf_counter() - start)
    finally:
        gc.unfreeze()
    found = {name: Percentiles.of(seconds) for name, seconds in timings.items()}
    return {name: (p.p50, p.p99) for name, p in found.items()}


def main() -> int:
    """`python -m bench authorizer`: the authorizer's latency for a key and for a person's token."""
    from moto import mock_aws

    from bench.report import machine

    with mock_aws():
        world = World()
        token = signed_in(world, world.prepaid)
        found = authorizer_latency(world, world.prepaid, token)
    print(f"| authorizer, {SAMPLES} calls each | p50 | p99 |\n|---|---:|---:|")
    for name, (p50, p99) in found.items():
        print(f"| {name} | {p50:.2f} ms | {p99:.2f} ms |")
    print(f"\nMeasured on {machine()}.")
    return 0
