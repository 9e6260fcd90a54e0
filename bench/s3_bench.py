#!/usr/bin/python3
"""S3 PUT/GET throughput of `kiln server` against the raw disk, side by side in one run.

For 1 MiB and 256 MiB objects: PUT (signed with UNSIGNED-PAYLOAD, body sent with sendfile so the
client costs ~nothing) and GET (bytes received and discarded) on a keep-alive connection, against
`dd` writing the same bytes with conv=fsync (Kiln fsyncs every object too) and reading them back,
on the same filesystem as the server's data dir. Prints MB/s and the ratio, and writes
bench/results/s3-throughput.txt.

usage: s3_bench.py [--kiln build/kiln] [--repeat N] [--dir DIR]
"""
import argparse, datetime, os, platform, shutil, signal, socket, subprocess, sys, tempfile, time

import botocore.auth
import botocore.awsrequest
import botocore.credentials
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AK, SK = "KILNBENCHKEY00000001", "bench-secret-bench-secret-bench-secret-00"


def start_server(kiln, data_dir):
    env = dict(os.environ, KILN_ROOT_ACCESS_KEY_ID=AK, KILN_ROOT_SECRET_ACCESS_KEY=SK)
    p = subprocess.Popen([kiln, "server", "--data-dir", data_dir, "--port", "0"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    for line in p.stdout:
        if line.startswith("listening on "):
            return p, line.split()[-1]
    raise SystemExit("kiln server did not start")


def signed_head(url, method, path, length=None):
    req = botocore.awsrequest.AWSRequest(method=method, url=url + path)
    req.context["client_config"] = Config(s3={"payload_signing_enabled": False})
    botocore.auth.S3SigV4Auth(botocore.credentials.Credentials(AK, SK), "s3",
                              "us-east-1").add_auth(req)
    host = url.split("//")[1]
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in req.headers.items() if k.lower() != "host")
    if length is not None:
        head += f"Content-Length: {length}\r\n"
    return (head + "\r\n").encode()


def read_response(sock, buf):
    """Reads one response; returns (status, body length)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise RuntimeError("connection closed")
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    status = int(head.split()[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v)
    got = len(rest)
    view = memoryview(buf)
    while got < length:
        n = sock.recv_into(view, min(len(buf), length - got))
        if n == 0:
            raise RuntimeError("short body")
        got += n
    return status, length


def bench_kiln(url, src_file, size, repeat):
    host, port = url.split("//")[1].split(":")
    s = socket.create_connection((host, int(port)))
    s.sendall(signed_head(url, "PUT", "/bench", 0))
    read_response(s, bytearray(1 << 20))
    buf = bytearray(8 << 20)
    put, get = [], []
    for i in range(repeat):
        with open(src_file, "rb") as f:
            t = time.perf_counter()
            s.sendall(signed_head(url, "PUT", f"/bench/obj{i}", size))
            s.sendfile(f)
            status, _ = read_response(s, buf)
            put.append(time.perf_counter() - t)
            assert status == 200, status
        t = time.perf_counter()
        s.sendall(signed_head(url, "GET", f"/bench/obj{i}"))
        status, n = read_response(s, buf)
        get.append(time.perf_counter() - t)
        assert status == 200 and n == size, (status, n)
    s.close()
    return min(put), min(get)


def bench_dd(path, size, repeat):
    mib = size // (1 << 20)
    w, r = [], []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(["dd", "if=/dev/zero", f"of={path}", "bs=1M", f"count={mib}",
                        "conv=fsync"], check=True, capture_output=True)
        w.append(time.perf_counter() - t)
        t = time.perf_counter()
        subprocess.run(["dd", f"if={path}", "of=/dev/null", "bs=1M"], check=True,
                       capture_output=True)
        r.append(time.perf_counter() - t)
    os.unlink(path)
    return min(w), min(r)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiln", default=os.path.join(ROOT, "build", "kiln"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dir", default=None, help="where data goes (default: a temp dir)")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="kiln-s3-bench-", dir=args.dir)
    try:
        proc, url = start_server(args.kiln, os.path.join(work, "data"))
        lines = [f"S3 throughput: kiln server vs dd (conv=fsync), best of {args.repeat}; "
                 f"{datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC on {platform.node()}: "
                 f"{os.cpu_count()} cores, {platform.machine()}",
                 "", f"{'object':>8} | {'PUT MB/s':>9} {'dd write':>9} {'ratio':>6} | "
                     f"{'GET MB/s':>9} {'dd read':>9} {'ratio':>6}"]
        for size in (1 << 20, 256 << 20):
            src = os.path.join(work, f"src-{size}")
            with open(src, "wb") as f:
                f.write(os.urandom(size))
            repeat = args.repeat * (10 if size == 1 << 20 else 1)
            kp, kg = bench_kiln(url, src, size, repeat)
            dw, dr = bench_dd(os.path.join(work, "dd.bin"), size, repeat)
            mb = size / 1e6
            label = "1 MiB" if size == 1 << 20 else "256 MiB"
            lines.append(f"{label:>8} | {mb / kp:9.0f} {mb / dw:9.0f} {dw / kp:6.2f} | "
                         f"{mb / kg:9.0f} {mb / dr:9.0f} {dr / kg:6.2f}")
            print(f"s3_throughput {label.replace(' ', '')} put_mbps={mb / kp:.0f} "
                  f"dd_write_mbps={mb / dw:.0f} get_mbps={mb / kg:.0f} dd_read_mbps={mb / dr:.0f}")
            os.unlink(src)
        lines += ["", "ratio = Kiln MB/s / dd MB/s; target >= 0.80 for 256 MiB objects. PUT includes "
                  "MD5 + SHA-256 + CRC32 of the body, fsync and the SQLite commit."]
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        text = "\n".join(lines) + "\n"
        print(text)
        os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
        with open(os.path.join(ROOT, "bench", "results", "s3-throughput.txt"), "w") as f:
            f.write(text)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
