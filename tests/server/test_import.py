"""`kiln import`: local files and directories, http(s) URLs and external S3 stores into a real
`kiln server`, with multipart uploads, resume after a failure or Ctrl-C, and one-line errors.

The http sources are Python's http.server on 127.0.0.1 port 0 with a handler that speaks Range,
sends ETag / Last-Modified, and can drop or stall a download at a given byte (to make an import
fail midway). The external S3 store is a second `kiln server` with its own data dir.
"""

import email.utils
import hashlib
import http.server
import json
import os
import pathlib
import signal
import socket
import ssl
import subprocess
import threading
import time

import pytest
from botocore.exceptions import ClientError

from kiln_server import ACCESS_KEY, SECRET_KEY, KilnServer, kiln_binary

MiB = 1 << 20


# ---------------------------------------------------------------------------------------------
# Helpers


def multipart_etag(data, part_size=8 * MiB):
    digests = [hashlib.md5(data[i:i + part_size]).digest() for i in range(0, len(data), part_size)]
    return '"%s-%d"' % (hashlib.md5(b"".join(digests)).hexdigest(), len(digests))


def md5_etag(data):
    return '"%s"' % hashlib.md5(data).hexdigest()


def run_import(server, source, dest, *extra, cache, env=None, endpoint=None, timeout=120):
    """Runs `kiln import` against `server` (or `endpoint`) with the suite's root key."""
    e = dict(os.environ, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY,
             XDG_CACHE_HOME=str(cache))
    e.update(env or {})
    return subprocess.run(
        [str(kiln_binary()), "import", str(source), dest, "--endpoint-url", endpoint or server.url,
         *extra],
        capture_output=True, text=True, env=e, timeout=timeout)


def ok(r):
    assert r.returncode == 0, f"kiln import failed ({r.returncode}):\n{r.stdout}\n{r.stderr}"
    return r


def failed(r):
    assert r.returncode != 0, f"kiln import should have failed:\n{r.stdout}\n{r.stderr}"
    lines = [l for l in r.stderr.splitlines() if l.startswith("kiln: error:")]
    assert len(lines) == 1, r.stderr
    return lines[0]


def state_files(cache):
    d = pathlib.Path(cache) / "kiln" / "import"
    return sorted(d.glob("*.json")) if d.is_dir() else []


class RangeHandler(http.server.BaseHTTPRequestHandler):
    """Serves files from server.root with Range, ETag and Last-Modified; see RangeServer."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _file(self):
        path = self.server.root / self.path.split("?")[0].lstrip("/")
        return path if path.is_file() else None

    def _chunked(self, path, send_body):
        """`?chunked`: no length, no ranges, Transfer-Encoding: chunked (a generated stream)."""
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("ETag", '"stream-v1"')
        self.end_headers()
        if not send_body:
            return
        self.server.ranges.append(self.headers.get("Range"))
        data = path.read_bytes()
        for i in range(0, len(data), 1 << 20):
            piece = data[i:i + (1 << 20)]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        self.wfile.write(b"0\r\n\r\n")

    def _head(self, path, send_body):
        if self.path.endswith("?chunked"):
            return self._chunked(path, send_body)
        data = path.read_bytes()
        st = path.stat()
        size = len(data)
        start, end, status = 0, size - 1, 200
        rng = self.headers.get("Range")
        if send_body:
            self.server.ranges.append(rng)
        if rng and rng.startswith("bytes="):
            a, _, b = rng[6:].partition("-")
            start = int(a)
            end = int(b) if b else size - 1
            if start >= size:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            status = 206
        self.send_response(status)
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", '"%s"' % hashlib.md5(data).hexdigest())
        self.send_header("Last-Modified", email.utils.formatdate(st.st_mtime, usegmt=True))
        self.send_header("Content-Type", "application/octet-stream")
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.end_headers()
        return data[start:end + 1], start

    def do_HEAD(self):
        path = self._file()
        if path is None:
            self.send_error(404)
            return
        self._head(path, send_body=False)

    def do_GET(self):
        path = self._file()
        if path is None:
            self.send_error(404)
            return
        got = self._head(path, send_body=True)
        if got is None:  # a 416 or a chunked stream: already sent
            return
        body, start = got
        srv = self.server
        limit = srv.fail_after if srv.fail_after is not None else srv.stall_after
        if limit is not None and start + len(body) > limit:
            cut = max(0, limit - start)
            self.wfile.write(body[:cut])
            self.wfile.flush()
            if srv.fail_after is not None:
                self.connection.shutdown(socket.SHUT_RDWR)  # drop the download midway
                self.close_connection = True
                return
            srv.release.wait(60)  # stall until the test lets go
            body = body[cut:]
        self.wfile.write(body)


class RangeServer:
    """An http(s) server on 127.0.0.1:0 in a thread, serving files from `root`.

    fail_after: drop every GET once it reaches that byte offset. stall_after: hold every GET at
    that offset until release is set. ranges: the Range header of each GET (None when absent).
    """

    def __init__(self, root, tls_context=None):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RangeHandler)
        self.httpd.daemon_threads = True
        self.httpd.root = pathlib.Path(root)
        self.httpd.ranges = []
        self.httpd.fail_after = None
        self.httpd.stall_after = None
        self.httpd.release = threading.Event()
        if tls_context is not None:
            self.httpd.socket = tls_context.wrap_socket(self.httpd.socket, server_side=True)
        scheme = "https" if tls_context is not None else "http"
        self.url = f"{scheme}://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    _KNOBS = ("fail_after", "stall_after")

    def __getattr__(self, name):
        return getattr(self.httpd, name)

    def __setattr__(self, name, value):
        if name in self._KNOBS:
            setattr(self.httpd, name, value)
        else:
            object.__setattr__(self, name, value)

    def close(self):
        self.httpd.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


class StallingProxy:
    """A TCP proxy on 127.0.0.1:0 to `upstream` (host, port) that, while `stall_after` is set, holds
    the client-to-server direction once that many bytes have passed (until release is set)."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.stall_after = None
        self.sent = 0
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.threads = []
        self.closed = False
        self._spawn(self._accept)

    def _spawn(self, fn, *args):
        t = threading.Thread(target=fn, args=args, daemon=True)
        t.start()
        self.threads.append(t)

    def _accept(self):
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            self._spawn(self._pump, client, server, True)
            self._spawn(self._pump, server, client, False)

    def _pump(self, src, dst, upstream):
        try:
            while True:
                data = src.recv(1 << 16)
                if not data:
                    break
                if upstream:
                    with self.lock:
                        self.sent += len(data)
                        stall = self.stall_after is not None and self.sent > self.stall_after
                    if stall:
                        self.release.wait(60)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.closed = True
        self.release.set()
        self.listener.close()


@pytest.fixture
def web(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    s = RangeServer(root)
    yield s
    s.close()


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "cache"


# ---------------------------------------------------------------------------------------------
# Local files and directories


def test_small_file_is_one_put_with_an_md5_etag(server, s3, bucket, tmp_path, cache):
    data = os.urandom(1000)
    (tmp_path / "small.bin").write_bytes(data)
    r = ok(run_import(server, tmp_path / "small.bin", f"s3://{bucket}/data/small.bin", cache=cache))
    got = s3.get_object(Bucket=bucket, Key="data/small.bin")
    assert got["Body"].read() == data
    assert got["ETag"] == md5_etag(data)
    assert r.stdout.startswith(f"imported 1 object, 1000 bytes to s3://{bucket}/data/small.bin in ")
    assert "MB/s)" in r.stdout


def test_file_over_one_part_is_a_multipart_upload(server, s3, bucket, tmp_path, cache):
    data = os.urandom(20 * MiB + 12345)
    (tmp_path / "big.bin").write_bytes(data)
    ok(run_import(server, tmp_path / "big.bin", f"s3://{bucket}/", cache=cache))
    got = s3.get_object(Bucket=bucket, Key="big.bin")
    assert got["Body"].read() == data
    assert got["ETag"] == multipart_etag(data)
    assert state_files(cache) == []


def test_part_size_flag_changes_the_parts(server, s3, bucket, tmp_path, cache):
    data = os.urandom(12 * MiB)
    (tmp_path / "p.bin").write_bytes(data)
    ok(run_import(server, tmp_path / "p.bin", f"s3://{bucket}/p.bin", "--part-size", "5",
                  cache=cache))
    assert s3.head_object(Bucket=bucket, Key="p.bin")["ETag"] == multipart_etag(data, 5 * MiB)
    r = run_import(server, tmp_path / "p.bin", f"s3://{bucket}/p.bin", "--part-size", "4",
                   cache=cache)
    assert "--part-size must be from 5 to 5120" in failed(r)


def test_empty_file_round_trips(server, s3, bucket, tmp_path, cache):
    (tmp_path / "empty").write_bytes(b"")
    ok(run_import(server, tmp_path / "empty", f"s3://{bucket}/empty", cache=cache))
    assert s3.get_object(Bucket=bucket, Key="empty")["Body"].read() == b""


def test_directory_imports_every_file_under_the_prefix(server, s3, bucket, tmp_path, cache):
    src = tmp_path / "dataset"
    (src / "sub" / "deeper").mkdir(parents=True)
    files = {"train.csv": b"a,b\n1,2\n", "sub/test.csv": b"a,b\n3,4\n",
             "sub/deeper/big.bin": os.urandom(9 * MiB), "name with space.txt": b"x"}
    for rel, data in files.items():
        (src / rel).write_bytes(data)
    r = ok(run_import(server, src, f"s3://{bucket}/ds", cache=cache))
    listed = s3.list_objects_v2(Bucket=bucket, Prefix="ds/")["Contents"]
    assert sorted(o["Key"] for o in listed) == sorted("ds/" + k for k in files)
    for rel, data in files.items():
        assert s3.get_object(Bucket=bucket, Key="ds/" + rel)["Body"].read() == data
    total = sum(len(d) for d in files.values())
    assert r.stdout.startswith(f"imported 4 objects, {total} bytes to s3://{bucket}/ds/ in ")


# ---------------------------------------------------------------------------------------------
# http(s) sources


def test_http_url_small_and_multipart(server, s3, bucket, web, cache):
    small = b"col\n" * 100
    big = os.urandom(17 * MiB)
    (web.root / "small.csv").write_bytes(small)
    (web.root / "big.bin").write_bytes(big)
    ok(run_import(server, web.url + "/small.csv", f"s3://{bucket}/web/", cache=cache))
    ok(run_import(server, web.url + "/big.bin", f"s3://{bucket}/web/renamed.bin", cache=cache))
    assert s3.get_object(Bucket=bucket, Key="web/small.csv")["Body"].read() == small
    got = s3.get_object(Bucket=bucket, Key="web/renamed.bin")
    assert got["Body"].read() == big
    assert got["ETag"] == multipart_etag(big)


def test_stream_of_unknown_length_uses_buffered_parts(server, s3, bucket, web, cache):
    big = os.urandom(19 * MiB + 7)
    small = os.urandom(3 * MiB)
    (web.root / "big.bin").write_bytes(big)
    (web.root / "small.bin").write_bytes(small)
    r = ok(run_import(server, web.url + "/big.bin?chunked", f"s3://{bucket}/s/big", cache=cache))
    ok(run_import(server, web.url + "/small.bin?chunked", f"s3://{bucket}/s/small", cache=cache))
    got = s3.get_object(Bucket=bucket, Key="s/big")
    assert got["Body"].read() == big
    assert got["ETag"] == multipart_etag(big)
    got = s3.get_object(Bucket=bucket, Key="s/small")
    assert got["Body"].read() == small
    assert got["ETag"] == md5_etag(small)  # it fit in one part: a single PutObject
    assert f"{len(big)} bytes" in r.stdout


def test_https_url_verifies_the_certificate(server, s3, bucket, tmp_path, cache):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    root = tmp_path / "tls-www"
    root.mkdir()
    data = os.urandom(9 * MiB)
    (root / "d.bin").write_bytes(data)
    tls = RangeServer(root, tls_context=ctx)
    try:
        r = run_import(server, tls.url + "/d.bin", f"s3://{bucket}/tls.bin", cache=cache)
        assert "certificate verification failed" in failed(r)
        ok(run_import(server, tls.url + "/d.bin", f"s3://{bucket}/tls.bin", "--ca-bundle",
                      str(cert), cache=cache))
        assert s3.get_object(Bucket=bucket, Key="tls.bin")["Body"].read() == data
    finally:
        tls.close()


# ---------------------------------------------------------------------------------------------
# S3 sources: a second Kiln server as the external store, and copies inside one server


@pytest.fixture
def external(tmp_path):
    s = KilnServer(tmp_path / "external-data").start()
    yield s
    s.stop()


def test_prefix_from_an_external_s3_store(server, s3, bucket, external, cache):
    ext = external.client("s3")
    ext.create_bucket(Bucket="ext-src")
    objects = {"raw/a.csv": b"1,2\n", "raw/nested/b.bin": os.urandom(10 * MiB),
               "raw/c d+e.txt": b"plus and space", "other/skip.txt": b"not under the prefix"}
    for k, v in objects.items():
        ext.put_object(Bucket="ext-src", Key=k, Body=v)
    r = ok(run_import(server, "s3://ext-src/raw/", f"s3://{bucket}/copied/",
                      "--source-endpoint-url", external.url,
                      "--source-access-key-id", ACCESS_KEY,
                      "--source-secret-access-key", SECRET_KEY, cache=cache))
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="copied/")["Contents"])
    assert keys == ["copied/a.csv", "copied/c d+e.txt", "copied/nested/b.bin"]
    for k in ["raw/a.csv", "raw/nested/b.bin", "raw/c d+e.txt"]:
        got = s3.get_object(Bucket=bucket, Key="copied/" + k[4:])["Body"].read()
        assert got == objects[k]
    assert "imported 3 objects" in r.stdout


def test_single_object_copy_inside_kiln_uses_the_destination_endpoint(server, s3, bucket, cache):
    data = os.urandom(9 * MiB)
    s3.put_object(Bucket=bucket, Key="orig/model.bin", Body=data)
    ok(run_import(server, f"s3://{bucket}/orig/model.bin", f"s3://{bucket}/backup/", cache=cache))
    assert s3.get_object(Bucket=bucket, Key="backup/model.bin")["Body"].read() == data


def test_wrong_source_secret_names_the_s3_code(server, bucket, external, cache):
    external.client("s3").create_bucket(Bucket="ext-auth")
    r = run_import(server, "s3://ext-auth/", f"s3://{bucket}/x/",
                   "--source-endpoint-url", external.url, "--source-access-key-id", ACCESS_KEY,
                   "--source-secret-access-key", "wrong-secret-0123456789", cache=cache)
    assert "SignatureDoesNotMatch" in failed(r)


# ---------------------------------------------------------------------------------------------
# Resume


def test_dropped_download_resumes_from_the_first_missing_part(server, s3, bucket, web, cache):
    data = os.urandom(20 * MiB)
    (web.root / "flaky.bin").write_bytes(data)
    web.fail_after = 10 * MiB  # every attempt of the first run breaks at 10 MiB
    dest = f"s3://{bucket}/resumed.bin"
    first = run_import(server, web.url + "/flaky.bin", dest, cache=cache)
    line = failed(first)
    assert "1 of 3 parts uploaded: run the same command again to resume" in line
    assert "gave up after 4 retries" in line
    states = state_files(cache)
    assert len(states) == 1
    state = json.loads(states[0].read_text())
    assert state["part_size"] == 8 * MiB
    assert [p["number"] for p in state["parts"]] == [1]
    assert state["source"] == web.url + "/flaky.bin"
    # The upload is open on the server with exactly the part the state file records.
    parts = s3.list_parts(Bucket=bucket, Key="resumed.bin", UploadId=state["upload_id"])["Parts"]
    assert [(p["PartNumber"], p["ETag"], p["Size"]) for p in parts] == \
        [(1, state["parts"][0]["etag"], 8 * MiB)]
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="resumed.bin")

    web.fail_after = None
    web.ranges.clear()
    second = ok(run_import(server, web.url + "/flaky.bin", dest, cache=cache))
    assert "resuming s3://%s/resumed.bin: 1 part (8.4 MB) already uploaded" % bucket in \
        second.stderr
    assert web.ranges == [f"bytes={8 * MiB}-"]  # only the missing parts were read again
    got = s3.get_object(Bucket=bucket, Key="resumed.bin")
    assert got["Body"].read() == data
    assert got["ETag"] == multipart_etag(data)
    assert state_files(cache) == []


def test_changed_source_aborts_the_old_upload_and_starts_over(server, s3, bucket, web, cache):
    (web.root / "v.bin").write_bytes(os.urandom(20 * MiB))
    web.fail_after = 9 * MiB
    dest = f"s3://{bucket}/v.bin"
    failed(run_import(server, web.url + "/v.bin", dest, cache=cache))
    old_id = json.loads(state_files(cache)[0].read_text())["upload_id"]
    web.fail_after = None
    new = os.urandom(18 * MiB)
    (web.root / "v.bin").write_bytes(new)
    r = ok(run_import(server, web.url + "/v.bin", dest, cache=cache))
    assert "changed since the interrupted import; starting over" in r.stderr
    assert s3.get_object(Bucket=bucket, Key="v.bin")["Body"].read() == new
    with pytest.raises(ClientError) as e:
        s3.list_parts(Bucket=bucket, Key="v.bin", UploadId=old_id)
    assert e.value.response["Error"]["Code"] == "NoSuchUpload"


def test_ctrl_c_leaves_a_resumable_upload(server, s3, bucket, web, cache):
    data = os.urandom(19 * MiB)
    (web.root / "slow.bin").write_bytes(data)
    web.stall_after = 12 * MiB
    dest = f"s3://{bucket}/slow.bin"
    env = dict(os.environ, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY,
               XDG_CACHE_HOME=str(cache))
    proc = subprocess.Popen([str(kiln_binary()), "import", web.url + "/slow.bin", dest,
                             "--endpoint-url", server.url], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        states = state_files(cache)
        if states and json.loads(states[0].read_text())["parts"]:
            break
        time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("the import never recorded a part")
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "interrupted; run the same command again to resume" in err
    web.stall_after = None
    web.release.set()
    r = ok(run_import(server, web.url + "/slow.bin", dest, cache=cache))
    assert "1 part (8.4 MB) already uploaded" in r.stderr
    assert s3.get_object(Bucket=bucket, Key="slow.bin")["Body"].read() == data


def test_interrupted_local_file_resumes_with_list_parts(server, s3, bucket, tmp_path, cache):
    data = os.urandom(30 * MiB)
    (tmp_path / "local.bin").write_bytes(data)
    proxy = StallingProxy(("127.0.0.1", server.port))
    proxy.stall_after = 20 * MiB  # the destination stops taking bytes inside part 3
    env = dict(os.environ, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY,
               XDG_CACHE_HOME=str(cache))
    dest = f"s3://{bucket}/local.bin"
    try:
        proc = subprocess.Popen([str(kiln_binary()), "import", str(tmp_path / "local.bin"), dest,
                                 "--endpoint-url", proxy.url], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            states = state_files(cache)
            if states and len(json.loads(states[0].read_text())["parts"]) >= 2:
                break
            time.sleep(0.05)
        else:
            proc.kill()
            pytest.fail("the import never recorded two parts")
        proc.kill()  # kill -9: no chance to clean up
        proc.wait()
        state = json.loads(state_files(cache)[0].read_text())
        assert state["source_identity"].startswith(f"size={30 * MiB};mtime_ns=")
        listed = s3.list_parts(Bucket=bucket, Key="local.bin", UploadId=state["upload_id"])
        assert [p["PartNumber"] for p in listed["Parts"]] == [1, 2]
        proxy.stall_after = None
        proxy.release.set()
        r = ok(run_import(server, tmp_path / "local.bin", dest, endpoint=proxy.url, cache=cache))
    finally:
        proxy.close()
    assert "2 parts (16.8 MB) already uploaded, continuing from part 3" in r.stderr
    got = s3.get_object(Bucket=bucket, Key="local.bin")
    assert got["Body"].read() == data
    assert got["ETag"] == multipart_etag(data)
    assert state_files(cache) == []


# ---------------------------------------------------------------------------------------------
# Errors: one line, non-zero exit


def test_missing_source_file(server, bucket, tmp_path, cache):
    r = run_import(server, tmp_path / "nope.csv", f"s3://{bucket}/x", cache=cache)
    assert "nope.csv: no such file or directory" in failed(r)


def test_url_that_is_not_found(server, bucket, web, cache):
    r = run_import(server, web.url + "/missing.csv", f"s3://{bucket}/x", cache=cache)
    assert "HTTP 404" in failed(r)


def test_missing_bucket_says_how_to_create_it(server, s3, tmp_path, cache):
    (tmp_path / "f").write_bytes(b"x")
    r = run_import(server, tmp_path / "f", "s3://no-such-bucket-here/f", cache=cache)
    line = failed(r)
    assert "does not exist" in line and "aws s3 mb s3://no-such-bucket-here" in line
    with pytest.raises(ClientError):
        s3.head_bucket(Bucket="no-such-bucket-here")  # not created implicitly


def test_wrong_secret_and_unknown_key_show_the_s3_code(server, bucket, tmp_path, cache):
    (tmp_path / "f").write_bytes(b"x")
    r = run_import(server, tmp_path / "f", f"s3://{bucket}/f", cache=cache,
                   env={"AWS_SECRET_ACCESS_KEY": "not-the-secret-0123456789"})
    assert "SignatureDoesNotMatch" in failed(r)
    r = run_import(server, tmp_path / "f", f"s3://{bucket}/f", "--access-key-id",
                   "KILNUNKNOWNKEY00001", cache=cache)
    assert "InvalidAccessKeyId" in failed(r)


def test_missing_source_object_and_bad_destination(server, bucket, tmp_path, cache):
    r = run_import(server, f"s3://{bucket}/absent.bin", f"s3://{bucket}/x", cache=cache)
    assert "does not exist" in failed(r)
    (tmp_path / "f").write_bytes(b"x")
    r = run_import(server, tmp_path / "f", "/not/an/s3/uri", cache=cache)
    assert "s3://bucket/key" in failed(r)
