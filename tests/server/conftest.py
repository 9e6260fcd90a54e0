"""Fixtures: one shared server for the tests that only use it, and fresh ones for restart tests."""

import pytest

from kiln_server import KilnServer, kiln_binary


@pytest.fixture(scope="session", autouse=True)
def kiln_bin():
    path = kiln_binary()
    if not path.is_file():
        pytest.fail(f"kiln binary not found at {path}; build it first (make build)", pytrace=False)
    return path


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    s = KilnServer(tmp_path_factory.mktemp("kiln-data")).start()
    yield s
    s.stop()


@pytest.fixture
def fresh_server(tmp_path):
    s = KilnServer(tmp_path / "data")
    yield s
    s.stop()


@pytest.fixture
def s3(server):
    return server.client("s3")


_bucket_counter = [0]


@pytest.fixture
def bucket(s3):
    _bucket_counter[0] += 1
    name = f"test-bucket-{_bucket_counter[0]}"
    s3.create_bucket(Bucket=name)
    return name
