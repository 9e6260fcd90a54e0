"""SigV4 at the edge: wrong keys, skewed clocks, presigned URLs, unsigned requests, /healthz."""

import datetime
import urllib.error
import urllib.request

import time

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import kiln_server


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def test_healthz_needs_no_auth(server):
    with urllib.request.urlopen(server.url + "/healthz", timeout=10) as r:
        assert r.status == 200


def test_wrong_secret_is_signature_does_not_match(server):
    with pytest.raises(ClientError) as e:
        server.client("s3", secret="not-the-secret").list_buckets()
    assert error_code(e) == "SignatureDoesNotMatch"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_unknown_access_key_is_invalid_access_key_id(server):
    with pytest.raises(ClientError) as e:
        server.client("s3", access_key="KILNNOSUCHKEY000000").list_buckets()
    assert error_code(e) == "InvalidAccessKeyId"


def test_json_services_answer_auth_failures_in_json(server):
    with pytest.raises(ClientError) as e:
        server.client("sagemaker", secret="not-the-secret").list_training_jobs()
    assert error_code(e) == "InvalidSignatureException"


def test_unsigned_request_is_refused(server):
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(server.url + "/", timeout=10)
    assert e.value.code == 403
    assert b"<Code>AccessDenied</Code>" in e.value.read()


def test_skewed_clock_is_request_time_too_skewed(server):
    stale = (datetime.datetime.utcnow() - datetime.timedelta(minutes=20)).strftime("%Y%m%dT%H%M%SZ")
    req = urllib.request.Request(server.url + "/", headers={
        "X-Amz-Date": stale,
        "X-Amz-Content-SHA256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "Authorization": f"AWS4-HMAC-SHA256 Credential={kiln_server.ACCESS_KEY}/{stale[:8]}/"
                         "us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;"
                         "x-amz-date, Signature=" + "0" * 64})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=10)
    assert e.value.code == 403
    assert b"RequestTimeTooSkewed" in e.value.read()


def test_sigv4_presigned_url_works_and_tampering_fails(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="shared.csv", Body=b"a,b\n1,2\n")
    signer = server.client("s3", signature_version="s3v4")
    url = signer.generate_presigned_url("get_object", Params={"Bucket": bucket,
                                                              "Key": "shared.csv"},
                                        ExpiresIn=300)
    with urllib.request.urlopen(url, timeout=10) as r:
        assert r.read() == b"a,b\n1,2\n"
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(url.replace("shared.csv", "other.csv"), timeout=10)
    assert e.value.code == 403


def test_sigv2_presigned_url_is_refused_with_advice(server, bucket):
    v2 = server.client("s3", signature_version="s3")
    url = v2.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(url, timeout=10)
    body = e.value.read()
    assert e.value.code in (400, 403, 501)
    assert b"s3v4" in body


def test_keys_created_by_the_cli_work_at_once_and_deleted_ones_stop(server, tmp_path):
    import subprocess
    out = subprocess.run([str(kiln_server.kiln_binary()), "keys", "create", "--data-dir",
                          str(server.data_dir), "--description", "ci"],
                         capture_output=True, text=True, check=True).stdout
    fields = dict(line.split(":", 1) for line in out.strip().splitlines())
    akid = fields["access key id"].strip()
    secret = fields["secret access key"].strip()
    client = server.client("s3", access_key=akid, secret=secret)
    client.list_buckets()
    subprocess.run([str(kiln_server.kiln_binary()), "keys", "delete", akid, "--data-dir",
                    str(server.data_dir)], check=True, capture_output=True)
    time.sleep(0.2)  # the server trusts a key it knows for up to 100 ms (KeyStore::kRecheckInterval)
    with pytest.raises(ClientError) as e:
        client.list_buckets()
    assert error_code(e) == "InvalidAccessKeyId"
