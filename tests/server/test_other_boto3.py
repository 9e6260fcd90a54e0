"""A newer boto3 (another python3 earlier on PATH, e.g. one that sends CRC32 checksums by
default) must pass the same flow as a plain script, when such an interpreter is present."""

import os
import shutil
import subprocess
import sys

import pytest

import kiln_server

SCRIPT = r'''
import io, os, sys, boto3
from botocore.exceptions import ClientError
url, ak, sk = sys.argv[1:4]
s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                  aws_access_key_id=ak, aws_secret_access_key=sk)
s3.create_bucket(Bucket="newer-boto3")
s3.put_object(Bucket="newer-boto3", Key="a.csv", Body=b"1,2,3\n4,5,6\n")
assert s3.get_object(Bucket="newer-boto3", Key="a.csv")["Body"].read() == b"1,2,3\n4,5,6\n"
data = os.urandom(12 * 1024 * 1024)
s3.upload_fileobj(io.BytesIO(data), "newer-boto3", "big.bin")
out = io.BytesIO()
s3.download_fileobj("newer-boto3", "big.bin", out)
assert out.getvalue() == data
s3.delete_objects(Bucket="newer-boto3", Delete={"Objects": [{"Key": "a.csv"}, {"Key": "big.bin"}]})
s3.delete_bucket(Bucket="newer-boto3")
print("ok", boto3.__version__)
'''


def other_python():
    for candidate in [shutil.which("python3")]:
        if candidate and os.path.realpath(candidate) != os.path.realpath(sys.executable):
            r = subprocess.run([candidate, "-c", "import boto3"], capture_output=True)
            if r.returncode == 0:
                return candidate
    return None


def test_newer_boto3_passes_the_same_flow(server):
    py = other_python()
    if py is None:
        pytest.skip("no other python3 with boto3 on PATH")
    r = subprocess.run([py, "-c", SCRIPT, server.url, kiln_server.ACCESS_KEY,
                        kiln_server.SECRET_KEY], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("ok")
