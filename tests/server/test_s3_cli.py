"""Debian's aws CLI (v2) against Kiln: mb, cp (multipart both ways), ls, sync, rm."""

import os


def test_aws_cli_cp_ls_sync_rm(server, tmp_path):
    server.aws("s3", "mb", "s3://cli-bucket")
    big = tmp_path / "big.bin"
    data = os.urandom(17 * 1024 * 1024)
    big.write_bytes(data)
    server.aws("s3", "cp", str(big), "s3://cli-bucket/in/big.bin")
    listing = server.aws("s3", "ls", "s3://cli-bucket/in/").stdout
    assert "big.bin" in listing and str(len(data)) in listing
    back = tmp_path / "back.bin"
    server.aws("s3", "cp", "s3://cli-bucket/in/big.bin", str(back))
    assert back.read_bytes() == data
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "a.csv").write_text("x,y\n1,2\n")
    (tree / "sub" / "b.csv").write_text("x,y\n3,4\n")
    server.aws("s3", "sync", str(tree), "s3://cli-bucket/tree/")
    listing = server.aws("s3", "ls", "--recursive", "s3://cli-bucket/tree/").stdout
    assert "tree/a.csv" in listing and "tree/sub/b.csv" in listing
    # A second sync uploads nothing: sizes and times match.
    again = server.aws("s3", "sync", str(tree), "s3://cli-bucket/tree/").stdout
    assert "upload:" not in again
    server.aws("s3", "rm", "--recursive", "s3://cli-bucket/")
    assert server.aws("s3", "ls", "--recursive", "s3://cli-bucket/").stdout.strip() == ""
    server.aws("s3", "rb", "s3://cli-bucket")


def test_aws_cli_reports_missing_bucket(server):
    r = server.aws("s3", "ls", "s3://no-such-cli-bucket", check=False)
    assert r.returncode != 0
    assert "NoSuchBucket" in r.stderr
