"""Multi-GB transfers in constant memory (KILN_LONG_TESTS=1 only; `make bench-full` territory):
the aws CLI and boto3's transfer manager move a 3 GiB file up and down while the server's
resident memory stays bounded."""

import hashlib
import os
import threading
import time

import pytest

pytestmark = pytest.mark.skipif(os.environ.get("KILN_LONG_TESTS") != "1",
                                reason="set KILN_LONG_TESTS=1 for multi-GB transfers")

SIZE = 3 << 30


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(8 << 20):
            h.update(chunk)
    return h.hexdigest()


def test_three_gib_up_and_down_in_constant_memory(fresh_server, tmp_path):
    server = fresh_server.start()
    src = tmp_path / "big.bin"
    with open(src, "wb") as f:  # distinct bytes per MiB so a misplaced part is caught
        block = os.urandom(1 << 20)
        for i in range(SIZE >> 20):
            f.write(i.to_bytes(8, "little") + block[8:])
    peak = [0.0]
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            peak[0] = max(peak[0], rss_mib(server.proc.pid))
            time.sleep(0.2)

    t = threading.Thread(target=watch)
    t.start()
    try:
        server.aws("s3", "mb", "s3://long")
        server.aws("s3", "cp", str(src), "s3://long/big.bin", timeout=1800)
        back = tmp_path / "back.bin"
        server.client("s3").download_file("long", "big.bin", str(back))
    finally:
        stop.set()
        t.join()
    print(f"\npeak server RSS {peak[0]:.0f} MiB moving {SIZE >> 20} MiB up and down")
    assert back.stat().st_size == SIZE
    assert sha256_file(back) == sha256_file(src)
    assert peak[0] < 512, f"server RSS peaked at {peak[0]:.0f} MiB for a {SIZE >> 20} MiB object"
