"""The portal in AWS (template.yaml): a private bucket only the CloudFront distribution reads, the API on
the same origin under /v1/ uncached, HTTPS on every behavior, the dev server's security headers and paths
(devtools/portal_page.py: the two cannot drift), and the outputs `make portal-publish` reads."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from devtools.portal_page import PortalPage, content_security_policy, is_portal_path
from devtools.table import TEMPLATE_PATH

CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
ALL_METHODS = {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
COGNITO = "https://cognito-idp.${AWS::Region}.amazonaws.com"


class _IntrinsicLoader(yaml.SafeLoader):
    """Keeps CloudFormation's short tags as their long form ({"Ref": ...}, {"Fn::Sub": ...})."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        return {"Fn::GetAtt": value.split(".", 1)}
    return {f"Fn::{suffix}": value}


_IntrinsicLoader.add_multi_constructor("!", _intrinsic)


@pytest.fixture(scope="module")
def resources() -> dict[str, Any]:
    with TEMPLATE_PATH.open(encoding="utf-8") as stream:
        template: dict[str, Any] = yaml.load(stream, Loader=_IntrinsicLoader)  # noqa: S506 - a SafeLoader
    return template["Resources"] | {"Outputs": template["Outputs"]}


def _one(resources: dict[str, Any], type_: str) -> tuple[str, dict[str, Any]]:
    found = [(name, r["Properties"]) for name, r in resources.items() if r.get("Type") == type_]
    assert len(found) == 1, f"one {type_}"
    return found[0]


def _distribution(resources: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    name, properties = _one(resources, "AWS::CloudFront::Distribution")
    return name, properties["DistributionConfig"]


def _behaviors(config: dict[str, Any]) -> list[dict[str, Any]]:
    return [config["DefaultCacheBehavior"], *config.get("CacheBehaviors", [])]


def _origin(config: dict[str, Any], behavior: dict[str, Any]) -> dict[str, Any]:
    origins = [o for o in config["Origins"] if o["Id"] == behavior["TargetOriginId"]]
    assert len(origins) == 1
    return origins[0]


def test_the_bucket_is_private_encrypted_and_no_website(resources: dict[str, Any]) -> None:
    _, bucket = _one(resources, "AWS::S3::Bucket")
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    (encryption,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")
    assert "WebsiteConfiguration" not in bucket
    assert "AccessControl" not in bucket


def test_the_s3_origin_reads_with_the_origin_access_control(resources: dict[str, Any]) -> None:
    bucket_name, _ = _one(resources, "AWS::S3::Bucket")
    oac_name, oac = _one(resources, "AWS::CloudFront::OriginAccessControl")
    assert oac["OriginAccessControlConfig"] | {"Name": None, "Description": None} == {
        "Name": None,
        "Description": None,
        "OriginAccessControlOriginType": "s3",
        "SigningBehavior": "always",
        "SigningProtocol": "sigv4",
    }
    _, config = _distribution(resources)
    origin = _origin(config, config["DefaultCacheBehavior"])
    assert origin["DomainName"] == {"Fn::GetAtt": [bucket_name, "RegionalDomainName"]}
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": [oac_name, "Id"]}
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}, "no legacy origin access identity"


def test_the_bucket_policy_admits_only_this_distribution(resources: dict[str, Any]) -> None:
    bucket_name, _ = _one(resources, "AWS::S3::Bucket")
    distribution_name, _ = _distribution(resources)
    _, policy = _one(resources, "AWS::S3::BucketPolicy")
    assert policy["Bucket"] == {"Ref": bucket_name}
    allows = [s for s in policy["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert allows, "the distribution must be able to read"
    for statement in allows:
        assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"}
        assert set(statement) <= {"Sid", "Effect", "Principal", "Action", "Resource", "Condition"}
        assert statement["Action"] in ("s3:GetObject", ["s3:GetObject"]), "read only"
        assert statement["Condition"] == {
            "StringEquals": {
                "AWS:SourceArn": {
                    "Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/"
                    f"${{{distribution_name}}}"
                }
            }
        }


def test_every_behavior_is_https_only_or_redirects_to_it(resources: dict[str, Any]) -> None:
    _, config = _distribution(resources)
    behaviors = _behaviors(config)
    assert len(behaviors) >= 2
    assert all(b["ViewerProtocolPolicy"] in ("redirect-to-https", "https-only") for b in behaviors)
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    for origin in config["Origins"]:
        if "CustomOriginConfig" in origin:
            assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert (config["HttpVersion"], config["PriceClass"]) == ("http2and3", "PriceClass_100")


def test_the_portal_behavior_is_cached_compressed_and_read_only(resources: dict[str, Any]) -> None:
    _, config = _distribution(resources)
    default = config["DefaultCacheBehavior"]
    assert "S3OriginConfig" in _origin(config, default)
    assert default["CachePolicyId"] == CACHING_OPTIMIZED
    assert default["Compress"] is True
    assert set(default["AllowedMethods"]) == {"GET", "HEAD"}
    assert "CustomErrorResponses" not in config, "an error page would replace the API's problems too"


@pytest.mark.parametrize("pattern", ["/v1/*", "/health"])
def test_the_api_paths_go_to_the_stage_uncached_with_every_method(
    resources: dict[str, Any], pattern: str
) -> None:
    _, config = _distribution(resources)
    (behavior,) = [b for b in config["CacheBehaviors"] if b["PathPattern"] == pattern]
    origin = _origin(config, behavior)
    api_name, api = next((n, r) for n, r in resources.items() if r.get("Type") == "AWS::Serverless::Api")
    assert origin["DomainName"] == {"Fn::Sub": f"${{{api_name}}}.execute-api.${{AWS::Region}}.amazonaws.com"}
    stage = api["Properties"]["StageName"]
    assert origin["OriginPath"] == {"Fn::Sub": f"/${{{stage['Ref']}}}"}
    assert behavior["CachePolicyId"] == CACHING_DISABLED
    assert behavior["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST, "Authorization and queries pass"
    assert set(behavior["AllowedMethods"]) == ALL_METHODS
    assert "FunctionAssociations" not in behavior


def test_every_route_of_the_api_is_behind_an_api_behavior(resources: dict[str, Any]) -> None:
    from devtools.gateway import load_routes, load_template

    _, config = _distribution(resources)
    patterns = [b["PathPattern"] for b in config["CacheBehaviors"] if b["TargetOriginId"] == "api"]
    routes, _, _ = load_routes(load_template())
    for route in routes:
        assert any(
            route.resource == p or (p.endswith("*") and route.resource.startswith(p[:-1])) for p in patterns
        ), route.resource


def _headers_policy(resources: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    name, properties = _one(resources, "AWS::CloudFront::ResponseHeadersPolicy")
    return name, properties["ResponseHeadersPolicyConfig"]


def test_the_response_headers_are_the_dev_servers(resources: dict[str, Any]) -> None:
    _, policy = _headers_policy(resources)
    security = policy["SecurityHeadersConfig"]
    csp = security["ContentSecurityPolicy"]
    assert csp["ContentSecurityPolicy"] == {"Fn::Sub": content_security_policy(COGNITO)}
    assert csp["Override"] is True
    assert security["StrictTransportSecurity"] == {
        "AccessControlMaxAgeSec": 31_536_000,
        "IncludeSubdomains": True,
        "Preload": True,
        "Override": True,
    }
    dev = PortalPage(COGNITO).headers
    assert dev["X-Content-Type-Options"] == "nosniff"
    assert security["ContentTypeOptions"] == {"Override": True}
    assert security["FrameOptions"] == {"FrameOption": dev["X-Frame-Options"], "Override": True}
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == dev["Referrer-Policy"]
    custom = {item["Header"]: item["Value"] for item in policy["CustomHeadersConfig"]["Items"]}
    handled = {"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"}
    assert custom == {k: v for k, v in dev.items() if k not in handled}, "every other dev server header"


def test_every_behavior_sends_the_security_headers(resources: dict[str, Any]) -> None:
    name, _ = _headers_policy(resources)
    _, config = _distribution(resources)
    assert all(b["ResponseHeadersPolicyId"] == {"Ref": name} for b in _behaviors(config))


def _function(resources: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return _one(resources, "AWS::CloudFront::Function")


def test_the_path_function_runs_on_the_portals_viewer_requests(resources: dict[str, Any]) -> None:
    name, function = _function(resources)
    assert function["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    assert function["AutoPublish"] is True
    _, config = _distribution(resources)
    assert config["DefaultCacheBehavior"]["FunctionAssociations"] == [
        {"EventType": "viewer-request", "FunctionARN": {"Fn::GetAtt": [name, "FunctionARN"]}}
    ]


PATHS = [
    ("/", {"redirect": "/portal/"}),
    ("/portal", {"redirect": "/portal/"}),
    ("/portal/", {"uri": "/portal/index.html"}),
    ("/portal/offers/off_123abc", {"uri": "/portal/index.html"}),
    ("/portal/offers/off-1_B/", {"uri": "/portal/index.html"}),
    ("/portal/index.html", {"uri": "/portal/index.html"}),
    ("/portal/app.js", {"uri": "/portal/app.js"}),
    ("/portal/vendor/tabulator.min.css", {"uri": "/portal/vendor/tabulator.min.css"}),
    ("/portal/offers/", {"uri": "/portal/offers/"}),
    ("/portal/offers/a/b", {"uri": "/portal/offers/a/b"}),
    ("/portal/offers/x.js", {"uri": "/portal/offers/x.js"}),
    ("/portalx", {"uri": "/portalx"}),
    ("/favicon.ico", {"uri": "/favicon.ico"}),
]


def test_the_function_maps_the_paths_as_the_dev_server_does(tmp_path: Path) -> None:
    """The dev server's answer for each sample path: the function below must give the same."""
    page = PortalPage(build_dir=tmp_path)
    (tmp_path / "index.html").write_text("index")
    for path, expected in PATHS:
        if not is_portal_path(path):
            continue  # not the dev server's either (an API route or a 404 there)
        answer = page.respond("GET", path)
        if "redirect" in expected:
            assert (answer.status, answer.headers["Location"]) == (302, expected["redirect"]), path
        elif expected["uri"] == "/portal/index.html":
            assert (answer.status, answer.body) == (200, "index"), path
        elif expected["uri"].startswith("/portal/"):
            assert answer.body != "index", path


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_function_answers_the_sample_requests_under_node(resources: dict[str, Any]) -> None:
    _, function = _function(resources)
    events = [
        {"request": {"method": "GET", "uri": path, "querystring": {}, "headers": {}}} for path, _ in PATHS
    ]
    script = function["FunctionCode"] + (
        "\nconst events = JSON.parse(process.argv[1]);"
        "\nconsole.log(JSON.stringify(events.map((e) => handler(e))));\n"
    )
    run = subprocess.run(  # noqa: S603 - our own template's code, a fixed interpreter
        ["node", "-e", script, json.dumps(events)],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    answers = json.loads(run.stdout)
    for (path, expected), answer in zip(PATHS, answers, strict=True):
        if "redirect" in expected:
            assert answer["statusCode"] == 302, path
            assert answer["headers"]["location"]["value"] == expected["redirect"], path
        else:
            assert "statusCode" not in answer, path
            assert answer["uri"] == expected["uri"], path


def test_the_outputs_give_the_portal_url_bucket_and_distribution(resources: dict[str, Any]) -> None:
    outputs = resources["Outputs"]
    distribution_name, _ = _distribution(resources)
    bucket_name, _ = _one(resources, "AWS::S3::Bucket")
    assert outputs["PortalUrl"]["Value"] == {
        "Fn::Sub": f"https://${{{distribution_name}.DomainName}}/portal/"
    }
    assert outputs["PortalBucketName"]["Value"] == {"Ref": bucket_name}
    assert outputs["PortalDistributionId"]["Value"] == {"Ref": distribution_name}
    assert {"ApiUrl", "UserPoolId", "UserPoolClientId", "TableName"} <= set(outputs)
