"""HTTPS (--tls-cert/--tls-key): boto3 over TLS streams aws-chunked bodies with checksum trailers
(newer botocore); both Debian's boto3 and a newer one, where present, must round-trip bytes."""

import os
import subprocess

import pytest

import kiln_server
from test_other_boto3 import SCRIPT, other_python


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    d = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(d / "key.pem"),
                    "-out", str(d / "cert.pem")], check=True, capture_output=True)
    s = kiln_server.KilnServer(d / "data", ["--tls-cert", str(d / "cert.pem"),
                                            "--tls-key", str(d / "key.pem")]).start()
    assert s.url.startswith("https://")
    yield s
    s.stop()


def test_debian_boto3_over_https(tls_server):
    import boto3
    from botocore.config import Config
    s3 = boto3.client("s3", endpoint_url=tls_server.url, region_name="us-east-1", verify=False,
                      aws_access_key_id=kiln_server.ACCESS_KEY,
                      aws_secret_access_key=kiln_server.SECRET_KEY,
                      config=Config(retries={"max_attempts": 1}))
    s3.create_bucket(Bucket="tls")
    data = os.urandom(9 * 1024 * 1024)
    import io
    s3.upload_fileobj(io.BytesIO(data), "tls", "big.bin")
    s3.put_object(Bucket="tls", Key="small", Body=b"hello")
    assert s3.get_object(Bucket="tls", Key="small")["Body"].read() == b"hello"
    out = io.BytesIO()
    s3.download_fileobj("tls", "big.bin", out)
    assert out.getvalue() == data


def test_newer_boto3_over_https_sends_aws_chunked(tls_server):
    py = other_python()
    if py is None:
        pytest.skip("no other python3 with boto3 on PATH")
    script = SCRIPT.replace('region_name="us-east-1",', 'region_name="us-east-1", verify=False,')
    r = subprocess.run([py, "-W", "ignore", "-c", script, tls_server.url, kiln_server.ACCESS_KEY,
                        kiln_server.SECRET_KEY], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
