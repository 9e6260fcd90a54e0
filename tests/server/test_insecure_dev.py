"""`kiln server --insecure-dev`: unsigned InvokeEndpoint requests reach the runtime (the serving
benchmark's unsigned row measures that path), while a signed request is still fully verified: a
wrong secret is refused, as on a normal server."""

import socket

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import pytest
import xgboost

from kiln_server import ACCESS_KEY, KilnServer, REGION
from sagemaker_flow import ROLE, XGBOOST_IMAGE
from test_endpoints import csv_rows, saved_model, scores, tar_gz, train_booster


@pytest.fixture(scope="module")
def insecure(tmp_path_factory):
    """An --insecure-dev server with an InService endpoint "dev", and (server, booster, rows)."""
    s = KilnServer(tmp_path_factory.mktemp("kiln-insecure"), ["--insecure-dev"]).start()
    try:
        booster, x = train_booster(rounds=4, seed=5)
        artifact = tar_gz({"xgboost-model": saved_model(booster, tmp_path_factory.mktemp("m"))})
        s.client("s3").create_bucket(Bucket="dev")
        s.client("s3").put_object(Bucket="dev", Key="dev/model.tar.gz", Body=artifact)
        sm = s.client("sagemaker")
        sm.create_model(ModelName="dev", ExecutionRoleArn=ROLE, PrimaryContainer={
            "Image": XGBOOST_IMAGE, "ModelDataUrl": "s3://dev/dev/model.tar.gz"})
        sm.create_endpoint_config(EndpointConfigName="dev", ProductionVariants=[{
            "VariantName": "AllTraffic", "ModelName": "dev", "InitialInstanceCount": 1,
            "InstanceType": "ml.m5.large"}])
        sm.create_endpoint(EndpointName="dev", EndpointConfigName="dev")
        sm.get_waiter("endpoint_in_service").wait(EndpointName="dev",
                                                  WaiterConfig={"Delay": 1, "MaxAttempts": 120})
        yield s, booster, x
    finally:
        s.stop()


def post(server, path, body, headers):
    """One request on a fresh connection; returns (status, body)."""
    head = f"POST {path} HTTP/1.1\r\nHost: {server.url.split('//')[1]}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items() if k.lower() != "host")
    head += f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as s:
        s.sendall(head.encode() + body)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), rest


def test_an_unsigned_invocation_is_served(insecure):
    server, booster, x = insecure
    body = (csv_rows(x[:3]) + "\n").encode()
    status, answer = post(server, "/endpoints/dev/invocations", body,
                          {"Content-Type": "text/csv", "Accept": "text/csv"})
    assert status == 200, answer
    want = booster.predict(xgboost.DMatrix(x[:3]))
    assert all(abs(g - w) < 1e-5 for g, w in zip(scores(answer), want))


def test_an_unsigned_invocation_of_an_unknown_endpoint_is_a_validation_error(insecure):
    server, _, x = insecure
    status, answer = post(server, "/endpoints/nope/invocations", (csv_rows(x[:1]) + "\n").encode(),
                          {"Content-Type": "text/csv"})
    assert status == 400, answer
    assert b"ValidationError" in answer


def test_a_signed_invocation_with_a_wrong_secret_is_still_refused(insecure):
    server, _, x = insecure
    path, body = "/endpoints/dev/invocations", (csv_rows(x[:1]) + "\n").encode()
    req = botocore.awsrequest.AWSRequest(method="POST", url=server.url + path, data=body,
                                         headers={"Content-Type": "text/csv"})
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(ACCESS_KEY, "not-the-secret"),
                            "sagemaker", REGION).add_auth(req)
    status, answer = post(server, path, body, dict(req.headers.items()))
    assert status == 403, answer
    assert b"InvalidSignatureException" in answer
