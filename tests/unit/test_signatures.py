"""Payment webhook signatures (DESIGN.md section 4): `Payment-Signature: t=<unix seconds>,v1=<hex
HMAC-SHA256 of "<t>.<raw body>">`; a bad or stale (over 5 minutes) signature is 401."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from licensing.payments.errors import InvalidSignature
from licensing.payments.signatures import TOLERANCE_SECONDS, sign, verify

SECRET = "whsec_current"
OLD_SECRET = "whsec_previous"
NOW = 1_795_000_000
BODY = '{"id":"evt_1","type":"payment.succeeded","data":{"order_id":"ord_1","amount":30240,"currency":"EUR"}}'


def _digest(secret: str, timestamp: int, body: str) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()


def _refused(header: str | None, body: str = BODY, secrets: list[str] | None = None, now: int = NOW) -> None:
    with pytest.raises(InvalidSignature) as raised:
        verify(header, body, [SECRET] if secrets is None else secrets, now)
    assert raised.value.status == 401
    assert raised.value.code == "INVALID_SIGNATURE"


# --- signing ------------------------------------------------------------------------------------


def test_sign_produces_the_documented_header() -> None:
    header = sign(SECRET, NOW, BODY)
    assert header == f"t={NOW},v1={_digest(SECRET, NOW, BODY)}"
    digest = header.partition(",v1=")[2]
    assert len(digest) == 64
    assert int(digest, 16) >= 0


def test_sign_depends_on_secret_timestamp_and_body() -> None:
    base = sign(SECRET, NOW, BODY)
    assert sign(OLD_SECRET, NOW, BODY) != base
    assert sign(SECRET, NOW + 1, BODY) != base
    assert sign(SECRET, NOW, BODY + " ") != base


# --- accepted -----------------------------------------------------------------------------------


def test_round_trip() -> None:
    assert verify(sign(SECRET, NOW, BODY), BODY, [SECRET], NOW) is None


def test_header_built_by_hand_with_spaces_is_accepted() -> None:
    verify(f"t={NOW}, v1={_digest(SECRET, NOW, BODY)}", BODY, [SECRET], NOW)


@pytest.mark.parametrize("skew", [-TOLERANCE_SECONDS, -299, -1, 0, 1, 299, TOLERANCE_SECONDS])
def test_timestamps_within_five_minutes_either_way_are_accepted(skew: int) -> None:
    assert TOLERANCE_SECONDS == 300
    verify(sign(SECRET, NOW + skew, BODY), BODY, [SECRET], NOW)


def test_one_matching_v1_among_several_is_enough() -> None:
    good = _digest(SECRET, NOW, BODY)
    bad = _digest("not-the-secret", NOW, BODY)
    verify(f"t={NOW},v1={bad},v1={good}", BODY, [SECRET], NOW)
    verify(f"t={NOW},v1={good},v1={bad}", BODY, [SECRET], NOW)
    verify(f"t={NOW},v0=whatever,v1={good}", BODY, [SECRET], NOW)


def test_both_secrets_are_accepted_during_a_rotation() -> None:
    secrets = [SECRET, OLD_SECRET]
    verify(sign(SECRET, NOW, BODY), BODY, secrets, NOW)
    verify(sign(OLD_SECRET, NOW, BODY), BODY, secrets, NOW)
    verify(sign(OLD_SECRET, NOW, BODY), BODY, list(reversed(secrets)), NOW)
    _refused(sign("a-third-secret", NOW, BODY), secrets=secrets)


def test_unicode_bodies_are_signed_as_utf8() -> None:
    body = '{"note":"Grüße, 東京 €"}'
    header = f"t={NOW},v1={hmac.new(SECRET.encode(), f'{NOW}.{body}'.encode(), hashlib.sha256).hexdigest()}"
    verify(header, body, [SECRET], NOW)


# --- refused ------------------------------------------------------------------------------------


def test_wrong_secret_is_refused() -> None:
    _refused(sign("whsec_wrong", NOW, BODY))


def test_tampered_body_is_refused() -> None:
    header = sign(SECRET, NOW, BODY)
    _refused(header, body=BODY.replace("30240", "30241"))
    _refused(header, body=BODY + "\n")
    _refused(header, body="")


def test_tampered_timestamp_is_refused() -> None:
    digest = _digest(SECRET, NOW, BODY)
    _refused(f"t={NOW + 1},v1={digest}")


@pytest.mark.parametrize("header", [None, ""])
def test_missing_header_is_refused(header: str | None) -> None:
    _refused(header)


@pytest.mark.parametrize(
    "header",
    [
        "garbage",
        f"v1={'0' * 64}",  # no timestamp
        f"t={NOW}",  # no signature
        f"t={NOW},v1=",  # empty signature
        f"t=abc,v1={'0' * 64}",
        f"t=-{NOW},v1={'0' * 64}",
        f"t={NOW}.5,v1={'0' * 64}",
        f"t={NOW};v1={'0' * 64}",
        f"T={NOW},V1={'0' * 64}",
        ",,,",
    ],
)
def test_malformed_header_is_refused(header: str) -> None:
    _refused(header)


def test_signature_without_its_timestamp_label_is_refused() -> None:
    _refused(f"v1={_digest(SECRET, NOW, BODY)}")


@pytest.mark.parametrize("skew", [-301, 301, -3600, 3600, -NOW])
def test_stale_or_future_timestamps_are_refused(skew: int) -> None:
    # Correctly signed, but more than five minutes from now: 301 s old or 301 s in the future.
    _refused(sign(SECRET, NOW + skew, BODY))


def test_no_secrets_configured_refuses_everything() -> None:
    _refused(sign(SECRET, NOW, BODY), secrets=[])


def test_an_empty_secret_never_validates() -> None:
    # A blank secret (e.g. an unset rotation slot) must not turn into "HMAC with the empty key".
    _refused(sign("", NOW, BODY), secrets=[""])
    _refused(sign("", NOW, BODY), secrets=["", SECRET])


def test_uppercase_hex_is_not_the_signature() -> None:
    # The provider sends lower-case hex; the comparison is exact.
    _refused(f"t={NOW},v1={_digest(SECRET, NOW, BODY).upper()}")


# --- properties ---------------------------------------------------------------------------------


secrets_text = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=40)
bodies = st.text(max_size=200)


@settings(max_examples=150, deadline=None)
@given(
    secret=secrets_text,
    body=bodies,
    timestamp=st.integers(min_value=0, max_value=4_000_000_000),
    skew=st.integers(min_value=-TOLERANCE_SECONDS, max_value=TOLERANCE_SECONDS),
)
def test_round_trip_for_any_body_secret_and_time(secret: str, body: str, timestamp: int, skew: int) -> None:
    verify(sign(secret, timestamp, body), body, [secret], timestamp + skew)


@settings(max_examples=150, deadline=None)
@given(secret=secrets_text, body=bodies, other=bodies)
def test_any_other_body_is_refused(secret: str, body: str, other: str) -> None:
    if other == body:
        return
    with pytest.raises(InvalidSignature):
        verify(sign(secret, NOW, body), other, [secret], NOW)


@settings(max_examples=150, deadline=None)
@given(secret=secrets_text, other=secrets_text)
def test_any_other_secret_is_refused(secret: str, other: str) -> None:
    if other == secret:
        return
    with pytest.raises(InvalidSignature):
        verify(sign(other, NOW, BODY), BODY, [secret], NOW)


@settings(max_examples=150, deadline=None)
@given(skew=st.integers(min_value=TOLERANCE_SECONDS + 1, max_value=10**8), sign_of=st.sampled_from([-1, 1]))
def test_any_timestamp_beyond_the_tolerance_is_refused(skew: int, sign_of: int) -> None:
    timestamp = NOW + sign_of * skew
    if timestamp < 0:
        return
    with pytest.raises(InvalidSignature):
        verify(sign(SECRET, timestamp, BODY), BODY, [SECRET], NOW)


# --- bad input must be a 401, never a 500 -------------------------------------------------------


@pytest.mark.parametrize("timestamp", ["\u00b2", "\u0661\u0662\u0663", "\uff11\uff12"])
def test_non_ascii_digit_timestamps_are_refused(timestamp: str) -> None:
    # "²".isdigit() is True but int("²") raises: such a header must be a 401, not a 500.
    _refused(f"t={timestamp},v1={'0' * 64}")


@pytest.mark.parametrize("digest", ["\u00e9", "\u00e9" * 64, f"{'0' * 63}\u00e9"])
def test_non_ascii_signatures_are_refused(digest: str) -> None:
    # hmac.compare_digest raises TypeError on non-ASCII str: must be a 401, not a 500.
    _refused(f"t={NOW},v1={digest}")


def test_absurdly_long_timestamp_is_a_401_not_a_crash() -> None:
    # Fits in an API Gateway header (10 KB); must be refused as malformed or stale, not answered with 500.
    _refused(f"t={'1' * 5000},v1={'0' * 64}")


@settings(max_examples=200, deadline=None)
@given(header=st.text(max_size=120))
def test_any_header_is_refused_cleanly(header: str) -> None:
    # Arbitrary junk, ASCII or not, is always a 401, never another exception.
    _refused(header)


@settings(max_examples=100, deadline=None)
@given(
    t=st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=12),
    v1=st.text(max_size=70),
)
def test_any_timestamp_and_signature_text_is_refused_cleanly(t: str, v1: str) -> None:
    _refused(f"t={t},v1={v1}")
