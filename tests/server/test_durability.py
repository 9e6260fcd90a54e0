"""What survives: restarts keep everything; kill -9 mid-upload leaves no partial object; a
truncated upload stores nothing."""

import socket
import time

import pytest
from botocore.exceptions import ClientError


def test_restart_keeps_buckets_objects_and_keys(fresh_server):
    fresh_server.start()
    s3 = fresh_server.client("s3")
    s3.create_bucket(Bucket="keep")
    s3.put_object(Bucket="keep", Key="a.csv", Body=b"1,2\n")
    up = s3.create_multipart_upload(Bucket="keep", Key="pending")["UploadId"]
    fresh_server.stop()
    fresh_server.start()
    s3 = fresh_server.client("s3")
    assert s3.get_object(Bucket="keep", Key="a.csv")["Body"].read() == b"1,2\n"
    parts = s3.list_parts(Bucket="keep", Key="pending", UploadId=up)
    assert parts.get("Parts", []) == []


def _signed_put(server, bucket, key, length):
    """Opens a socket and sends the signed head of a PUT of `length` bytes (UNSIGNED-PAYLOAD, so
    the body can be streamed by hand); returns the socket."""
    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials
    from botocore.config import Config
    import kiln_server
    req = botocore.awsrequest.AWSRequest(method="PUT", url=f"{server.url}/{bucket}/{key}")
    req.context["client_config"] = Config(s3={"payload_signing_enabled": False})
    creds = botocore.credentials.Credentials(kiln_server.ACCESS_KEY, kiln_server.SECRET_KEY)
    botocore.auth.S3SigV4Auth(creds, "s3", "us-east-1").add_auth(req)
    host, port = server.url.split("//")[1].split(":")
    s = socket.create_connection((host, int(port)))
    head = f"PUT /{bucket}/{key} HTTP/1.1\r\nContent-Length: {length}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in req.headers.items())
    if "host" not in {k.lower() for k in req.headers.keys()}:
        head += f"Host: {host}:{port}\r\n"
    s.sendall(head.encode() + b"\r\n")
    return s


def test_kill_during_upload_leaves_no_partial_object(fresh_server):
    fresh_server.start()
    s3 = fresh_server.client("s3")
    s3.create_bucket(Bucket="crash")
    s3.put_object(Bucket="crash", Key="big.bin", Body=b"old version")
    s = _signed_put(fresh_server, "crash", "big.bin", 200 * 1024 * 1024)
    chunk = b"x" * (1024 * 1024)
    for _ in range(60):
        s.sendall(chunk)
    staging = fresh_server.data_dir / "objects" / "staging"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        sizes = [p.stat().st_size for p in staging.iterdir()]
        if sizes and max(sizes) > 10 * 1024 * 1024:
            break
        time.sleep(0.05)
    assert sizes and max(sizes) > 10 * 1024 * 1024, "the partial body should be on disk"
    fresh_server.kill()  # kill -9 in the middle of the body
    s.close()
    fresh_server.start()
    s3 = fresh_server.client("s3")
    assert s3.get_object(Bucket="crash", Key="big.bin")["Body"].read() == b"old version"
    assert not any(staging.iterdir()), "restart must remove the partial body"
    blobs = [p for p in (fresh_server.data_dir / "objects" / "blobs").rglob("*") if p.is_file()]
    assert all(p.stat().st_size < 1024 for p in blobs), "no partial blob may be left behind"


def test_truncated_upload_stores_nothing(server, s3, bucket):
    s = _signed_put(server, bucket, "cut.bin", 1000)
    s.sendall(b"a" * 400)
    s.shutdown(socket.SHUT_WR)  # the client dies after 400 of 1000 bytes
    s.settimeout(30)
    try:
        while s.recv(65536):
            pass
    except OSError:
        pass
    s.close()
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="cut.bin")
    assert e.value.response["Error"]["Code"] == "404"
    s3.put_object(Bucket=bucket, Key="after.bin", Body=b"still serving")
    assert s3.get_object(Bucket=bucket, Key="after.bin")["Body"].read() == b"still serving"
