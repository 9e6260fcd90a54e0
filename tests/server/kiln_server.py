"""Starts and stops a real `kiln server` for the integration tests, and makes its clients.

The server runs the binary under test ($KILN_BIN, else <repo>/build/kiln) on port 0 with a
temporary data dir and a root key from KILN_ROOT_ACCESS_KEY_ID / KILN_ROOT_SECRET_ACCESS_KEY, so
the tests know the credentials. Clients are Debian's boto3 (this interpreter) and Debian's aws CLI.
"""

import os
import pathlib
import signal
import subprocess
import time

import boto3
from botocore.config import Config

REPO = pathlib.Path(__file__).resolve().parents[2]
ACCESS_KEY = "KILNTESTROOTKEY0001"
SECRET_KEY = "test-secret-key-for-the-suite-0123456789"
REGION = "us-east-1"
AWS_CLI = "/usr/bin/aws"  # Debian's awscli (v2); the first `aws` on PATH may be another one


def kiln_binary():
    return pathlib.Path(os.environ.get("KILN_BIN") or REPO / "build" / "kiln")


class KilnServer:
    """One `kiln server` process on a data dir; start() again after stop() to test restarts."""

    def __init__(self, data_dir, extra_args=()):
        self.data_dir = pathlib.Path(data_dir)
        self.extra_args = list(extra_args)
        self.proc = None
        self.url = None
        self.output = []

    def start(self, timeout=30):
        env = dict(os.environ, KILN_ROOT_ACCESS_KEY_ID=ACCESS_KEY,
                   KILN_ROOT_SECRET_ACCESS_KEY=SECRET_KEY)
        self.proc = subprocess.Popen(
            [str(kiln_binary()), "server", "--data-dir", str(self.data_dir), "--port", "0",
             *self.extra_args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        deadline = time.monotonic() + timeout
        self.output = []
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.output.append(line)
            if line.startswith("listening on "):
                self.url = line.split()[-1]
                return self
        self.kill()
        raise RuntimeError("kiln server did not start:\n" + "".join(self.output))

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def kill(self):
        """kill -9: the process gets no chance to clean up."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    @property
    def port(self):
        return int(self.url.rsplit(":", 1)[1])

    def client(self, service, secret=SECRET_KEY, access_key=ACCESS_KEY, **config):
        cfg = Config(retries={"max_attempts": 1}, **config)
        return boto3.client(service, endpoint_url=self.url, region_name=REGION,
                            aws_access_key_id=access_key, aws_secret_access_key=secret,
                            config=cfg)

    def aws(self, *args, check=True, timeout=120):
        env = dict(os.environ, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY,
                   AWS_DEFAULT_REGION=REGION, AWS_PAGER="")
        env.pop("AWS_PROFILE", None)
        r = subprocess.run([AWS_CLI, "--endpoint-url", self.url, *args], capture_output=True,
                           text=True, env=env, timeout=timeout)
        if check and r.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed ({r.returncode}):\n{r.stderr}")
        return r
