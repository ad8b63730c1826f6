"""A JSON route given another media type: 415 UNSUPPORTED_MEDIA_TYPE as a problem, nothing written (it
was a 500 before the contract fuzzing found it)."""

import pytest

from licensing.licenses.keys import generate_key
from tests.support.clients import Partner
from tests.support.problems import assert_problem
from tests.support.table import snapshot


@pytest.mark.parametrize(
    "media_type",
    [
        "text/plain",
        "application/xml",
        "application/octet-stream",
        "multipart/form-data",
        "application/x-www-form-urlencoded",
        "application/merge-patch+json",
    ],
)
def test_a_non_json_body_is_415_and_writes_nothing(partner: Partner, media_type: str) -> None:
    before = snapshot()
    answer = partner.api.post(
        "/v1/orders",
        body='{"product": "business", "devices": 5, "years": 1}',
        headers={"Content-Type": media_type},
    )
    assert_problem(answer, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert snapshot() == before


def test_json_with_parameters_is_json_and_no_media_type_is_json_too(partner: Partner) -> None:
    for headers in ({"Content-Type": "application/json; charset=utf-8"}, {}):
        answer = partner.api.post(
            "/v1/quotes", body='{"product": "business", "devices": 5, "years": 1}', headers=headers
        )
        assert answer.status == 200, (headers, answer.body)


def test_the_lookup_reads_its_body_as_json_whatever_the_media_type(partner: Partner) -> None:
    answer = partner.api.with_key(None).post(
        "/v1/lookup",
        body=f'{{"license_key": "{generate_key()}", "workspace_id": "ws-1"}}',
        headers={"Content-Type": "text/plain"},
    )
    assert_problem(answer, 404, "LICENSE_NOT_FOUND")  # the key was read: no one has it
