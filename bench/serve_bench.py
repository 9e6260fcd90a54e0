#!/usr/bin/python3
"""InvokeEndpoint throughput of `kiln server` against gunicorn + Flask and nginx, side by side.

The model (issue 4): 100 trees of depth 6 on 20 numeric features, trained with Debian's xgboost on
synthetic data (seed 0). Requests: one CSV row each (`text/csv`), sent by Debian's `wrk` with 16
connections for the same duration to
  (k) a real Kiln server: the model uploaded to Kiln's S3 and deployed with boto3 (CreateModel with
      the sagemaker-xgboost image, CreateEndpointConfig, CreateEndpoint, the InService waiter);
      wrk replays one request SigV4-signed by botocore (valid for 15 minutes): the headline row;
      then the same row as application/json ({"instances": [[...]]}), read in place by simdjson,
  (u) the same on a second Kiln server started with --insecure-dev, wrk sending the request
      unsigned: the HTTP + predict path without SigV4, so the table shows what signing costs,
  (a) gunicorn, 2 sync workers, a Flask app predicting with XGBoost's scikit-learn API,
  (b) nginx-light answering a fixed 200 body (2 worker processes): the ceiling of HTTP here.
Kiln's answers are checked against XGBoost's own predictions before timing. Prints requests/s,
p50/p99 latency and the ratios Kiln/gunicorn (target >= 15x) and Kiln/nginx (target >= 60%), and
writes bench/results/serve-throughput.txt with the machine, its load (`uptime`) and the date.

usage: serve_bench.py [--kiln build/kiln] [--duration SECONDS] [--connections 16] [--out FILE]
"""
import argparse, datetime, getpass, io, json, os, platform, re, shutil, signal, socket, subprocess
import sys, tarfile, tempfile, threading, time

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials
import numpy as np
import xgboost
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AK, SK = "KILNBENCHKEY00000001", "bench-secret-bench-secret-bench-secret-00"
REGION = "us-east-1"
IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
ROLE = "arn:aws:iam::000000000000:role/KilnBenchRole"
FEATURES, TREES, DEPTH = 20, 100, 6

GUNICORN_APP = '''
import numpy as np
import xgboost
from flask import Flask, Response, request

model = xgboost.XGBRegressor(n_jobs=1)  # one row per request: threads only add contention
model.load_model(MODEL_PATH)
app = Flask(__name__)


@app.route("/invocations", methods=["POST"])
def invocations():
    rows = [[float(v) for v in line.split(",")] for line in request.get_data(as_text=True).split()]
    scores = model.predict(np.asarray(rows, dtype=np.float32))
    return Response("\\n".join(repr(float(s)) for s in scores) + "\\n", mimetype="text/csv")
'''

NGINX_CONF = '''
{user}
worker_processes 2;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  server {{
    listen 127.0.0.1:{port};
    location / {{ return 200 "0.5\\n"; }}
  }}
}}
'''


def train(model_path):
    rng = np.random.default_rng(0)
    x = rng.random((20000, FEATURES), dtype=np.float32)
    y = (np.sin(6 * x[:, 0]) + x[:, 1] * x[:, 2] - 0.5 * x[:, 3] + 0.1 * x[:, 4:].sum(axis=1)
         + 0.05 * rng.standard_normal(len(x)))
    booster = xgboost.train({"objective": "reg:squarederror", "max_depth": DEPTH, "eta": 0.1,
                             "seed": 0}, xgboost.DMatrix(x, label=y), num_boost_round=TREES)
    booster.save_model(model_path)
    return booster, rng.random((200, FEATURES), dtype=np.float32)


def csv_row(row):
    return ",".join(repr(float(v)) for v in row)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{proc.args[0]} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{proc.args[0]} did not listen on port {port}")


def stop(proc):
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def start_kiln(kiln, data_dir, insecure=False):
    env = dict(os.environ, KILN_ROOT_ACCESS_KEY_ID=AK, KILN_ROOT_SECRET_ACCESS_KEY=SK)
    p = subprocess.Popen([kiln, "server", "--data-dir", data_dir, "--port", "0"] +
                         (["--insecure-dev"] if insecure else []),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    for line in p.stdout:
        if line.startswith("listening on "):
            # Keep draining its output so the server never blocks on a full pipe.
            threading.Thread(target=lambda: [None for _ in p.stdout], daemon=True).start()
            return p, line.split()[-1]
    raise SystemExit("kiln server did not start")


def deploy(url, model_path):
    def client(service):
        return boto3.client(service, endpoint_url=url, region_name=REGION,
                            aws_access_key_id=AK, aws_secret_access_key=SK,
                            config=Config(retries={"max_attempts": 1}))
    tgz = io.BytesIO()
    with tarfile.open(fileobj=tgz, mode="w:gz") as tar:
        tar.add(model_path, arcname="xgboost-model")
    s3 = client("s3")
    s3.create_bucket(Bucket="bench")
    s3.put_object(Bucket="bench", Key="serve/model.tar.gz", Body=tgz.getvalue())
    sm = client("sagemaker")
    sm.create_model(ModelName="bench", ExecutionRoleArn=ROLE, PrimaryContainer={
        "Image": IMAGE, "ModelDataUrl": "s3://bench/serve/model.tar.gz"})
    sm.create_endpoint_config(EndpointConfigName="bench", ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": "bench", "InitialInstanceCount": 1,
        "InstanceType": "ml.m5.large"}])
    sm.create_endpoint(EndpointName="bench", EndpointConfigName="bench")
    sm.get_waiter("endpoint_in_service").wait(EndpointName="bench",
                                              WaiterConfig={"Delay": 1, "MaxAttempts": 120})
    return client("sagemaker-runtime")


def signed_headers(url, path, body, content_type="text/csv"):
    req = botocore.awsrequest.AWSRequest(method="POST", url=url + path, data=body,
                                         headers={"Content-Type": content_type,
                                                  "Accept": "text/csv"})
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(AK, SK), "sagemaker",
                            REGION).add_auth(req)
    return {k: v for k, v in req.headers.items()}


def raw_post(port, path, headers, body):
    """One request on a fresh socket, as wrk will send it; returns (status, body)."""
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items() if k.lower() != "host")
    head += f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(head.encode() + body.encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data.split(b"\r\n\r\n", 1)[1].decode()


def lua_script(path, headers, body, out):
    def q(s):
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    lines = ['wrk.method = "POST"', f"wrk.path = {q(path)}", f"wrk.body = {q(body)}"]
    for k, v in headers.items():
        if k.lower() not in ("host", "content-length"):
            lines.append(f"wrk.headers[{q(k)}] = {q(v)}")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


def to_ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    v = float(m.group(1))
    return {"us": v / 1000, "ms": v, "s": v * 1000}[m.group(2)]


def cpu_seconds(pid):
    """User + system CPU time of process `pid` and its children processes (workers)."""
    pids = [pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                                                   text=True).stdout.split()]
    total = 0
    for p in pids:
        with open(f"/proc/{p}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def run_wrk(port, script, duration, connections, server_pid):
    cpu0 = cpu_seconds(server_pid)
    r = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", f"{duration}s",
                        "--latency", "-s", script, f"http://127.0.0.1:{port}/"],
                       capture_output=True, text=True, check=True)
    cpu = cpu_seconds(server_pid) - cpu0
    out = r.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"\n\s+50%\s+(\S+)", out).group(1))
    p99 = to_ms(re.search(r"\n\s+99%\s+(\S+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "p50": p50, "p99": p99, "cpu_us": 1e6 * cpu / max(1, requests),
            "non2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errors.group(1) if errors else "", "raw": out}


def machine():
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{platform.node()}: {cpu}, {os.cpu_count()} hardware threads, {platform.platform()}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kiln", default=os.path.join(ROOT, "build", "kiln"))
    ap.add_argument("--duration", type=int, default=10, help="seconds of wrk per server")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--only-kiln", action="store_true", help="skip the baselines (no results file)")
    ap.add_argument("--perf", metavar="FILE", help="perf record Kiln's server into FILE while timed")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results",
                                                  "serve-throughput.txt"))
    args = ap.parse_args()
    for tool in ("wrk", "gunicorn", "nginx"):
        if not shutil.which(tool) and not os.path.exists(f"/usr/sbin/{tool}"):
            raise SystemExit(f"{tool} is missing: run scripts/install-deps")
    tmp = tempfile.mkdtemp(prefix="kiln-serve-bench-")
    procs = []
    try:
        model_path = os.path.join(tmp, "xgboost-model")
        booster, rows = train(model_path)
        body = csv_row(rows[0]) + "\n"
        want = booster.predict(xgboost.DMatrix(rows))
        results = {}
        load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()

        # (k) Kiln, signed; (u) Kiln --insecure-dev, unsigned
        path = "/endpoints/bench/invocations"
        for name, insecure in (("kiln", False), ("kiln_unsigned", True)):
            kiln, url = start_kiln(args.kiln, os.path.join(tmp, name), insecure)
            procs.append(kiln)
            port = int(url.rsplit(":", 1)[1])
            runtime = deploy(url, model_path)
            if not insecure:
                for i, row in enumerate(rows):
                    r = runtime.invoke_endpoint(EndpointName="bench", ContentType="text/csv",
                                                Body=csv_row(row))
                    got = float(r["Body"].read().decode().split()[0])
                    if abs(got - want[i]) > 1e-5 * max(1.0, abs(want[i])):
                        raise SystemExit(f"Kiln answered {got} for row {i}, XGBoost {want[i]}")
                headers = signed_headers(url, path, body)
            else:
                headers = {"Content-Type": "text/csv", "Accept": "text/csv"}
            status, answer = raw_post(port, path, headers, body)
            if status != 200 or abs(float(answer.split()[0]) - want[0]) > 1e-5:
                raise SystemExit(f"the {name} wrk request got {status} {answer!r}")
            script = os.path.join(tmp, f"{name}.lua")
            lua_script(path, headers, body, script)
            perf = None
            if args.perf and not insecure:
                perf = subprocess.Popen(["perf", "record", "-g", "-p", str(kiln.pid), "-o",
                                         args.perf, "--", "sleep", str(args.duration)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            results[name] = run_wrk(port, script, args.duration, args.connections, kiln.pid)
            if perf:
                perf.wait()
            if not insecure:
                # The same row as JSON ({"instances": [[...]]}), parsed in place by simdjson.
                jbody = json.dumps({"instances": [[float(v) for v in rows[0]]]})
                jheaders = signed_headers(url, path, jbody, "application/json")
                status, answer = raw_post(port, path, jheaders, jbody)
                if status != 200 or abs(float(answer.split()[0]) - want[0]) > 1e-5:
                    raise SystemExit(f"the JSON wrk request got {status} {answer!r}")
                jscript = os.path.join(tmp, "kiln_json.lua")
                lua_script(path, jheaders, jbody, jscript)
                results["kiln_json"] = run_wrk(port, jscript, args.duration, args.connections,
                                               kiln.pid)
            stop(kiln)
        if args.only_kiln:
            for name in ("kiln", "kiln_json", "kiln_unsigned"):
                r = results[name]
                print(f"{name}: {r['rps']:.0f} requests/s, p50 {r['p50']:.3f} ms, p99 "
                      f"{r['p99']:.3f} ms, server CPU {r['cpu_us']:.2f} us/request, non-2xx "
                      f"{r['non2xx']}")
            return

        # (a) gunicorn + Flask
        app_dir = os.path.join(tmp, "app")
        os.makedirs(app_dir)
        with open(os.path.join(app_dir, "bench_app.py"), "w") as f:
            f.write(f"MODEL_PATH = {model_path!r}\n" + GUNICORN_APP)
        gport = free_port()
        gunicorn = subprocess.Popen(["gunicorn", "-w", "2", "-b", f"127.0.0.1:{gport}",
                                     "--chdir", app_dir, "--log-level", "warning",
                                     "bench_app:app"], stdout=subprocess.DEVNULL)
        procs.append(gunicorn)
        wait_port(gport, gunicorn)
        plain = {"Content-Type": "text/csv"}
        status, answer = raw_post(gport, "/invocations", plain, body)
        if status != 200 or abs(float(answer.split()[0]) - want[0]) > 1e-5:
            raise SystemExit(f"gunicorn answered {status} {answer!r}")
        script = os.path.join(tmp, "plain.lua")
        lua_script("/invocations", plain, body, script)
        results["gunicorn"] = run_wrk(gport, script, args.duration, args.connections,
                                      gunicorn.pid)
        stop(gunicorn)

        # (b) nginx, fixed body
        nport = free_port()
        ndir = os.path.join(tmp, "nginx")
        os.makedirs(ndir)
        user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
        with open(os.path.join(ndir, "nginx.conf"), "w") as f:
            f.write(NGINX_CONF.format(user=user, dir=ndir, port=nport))
        nginx_bin = shutil.which("nginx") or "/usr/sbin/nginx"
        nginx = subprocess.Popen([nginx_bin, "-p", ndir, "-c", os.path.join(ndir, "nginx.conf")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(nginx)
        wait_port(nport, nginx)
        results["nginx"] = run_wrk(nport, script, args.duration, args.connections, nginx.pid)
        stop(nginx)
    finally:
        for p in procs:
            stop(p)
        shutil.rmtree(tmp, ignore_errors=True)

    k, u, g, n = results["kiln"], results["kiln_unsigned"], results["gunicorn"], results["nginx"]
    vs_gunicorn, vs_nginx = k["rps"] / g["rps"], k["rps"] / n["rps"]
    lines = [
        "InvokeEndpoint throughput: Kiln vs gunicorn+Flask vs nginx (bench/serve_bench.py)",
        f"date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M:%S UTC}",
        f"machine: {machine()}",
        f"uptime before timing: {load}",
        f"model: {TREES} trees of depth {DEPTH} on {FEATURES} numeric features (xgboost "
        f"{xgboost.__version__}, synthetic data, seed 0); one text/csv row per request",
        f"load: wrk -t 2 -c {args.connections} -d {args.duration}s, each server alone in turn",
        "",
        f"{'server':<38}{'requests/s':>11}{'p50 ms':>9}{'p99 ms':>9}{'CPU us/req':>11}"
        f"{'non-2xx':>8}",
    ]
    for name, label in (("kiln", "kiln (SigV4, InvokeEndpoint)"),
                        ("kiln_json", "kiln (SigV4, application/json row)"),
                        ("kiln_unsigned", "kiln --insecure-dev (unsigned)"),
                        ("gunicorn", "gunicorn -w 2 + Flask + XGBRegressor"),
                        ("nginx", "nginx, fixed 200 body")):
        r = results[name]
        lines.append(f"{label:<38}{r['rps']:>11.0f}{r['p50']:>9.3f}{r['p99']:>9.3f}"
                     f"{r['cpu_us']:>11.2f}{r['non2xx']:>8}")
    lines += [
        "(CPU us/req: the server's user+system CPU time over the timed run per request answered,",
        " less sensitive than requests/s to what else runs on the machine)",
        f"SigV4's cost: {k['cpu_us'] - u['cpu_us']:.2f} us/request of server CPU "
        f"(signed {k['cpu_us']:.2f}, unsigned {u['cpu_us']:.2f}); the targets below are for the "
        "signed row",
        "",
        f"kiln / gunicorn: {vs_gunicorn:.1f}x  (target >= 15x: "
        f"{'met' if vs_gunicorn >= 15 else 'NOT met'})",
        f"kiln / nginx:    {100 * vs_nginx:.0f}%  (target >= 60%: "
        f"{'met' if vs_nginx >= 0.6 else 'NOT met'})",
        f"kiln p99:        {k['p99']:.3f} ms  (target <= 2 ms: "
        f"{'met' if k['p99'] <= 2 else 'NOT met'})",
    ]
    for name, r in results.items():
        if r["socket_errors"]:
            lines.append(f"{name} socket errors: {r['socket_errors']}")
    text = "\n".join(lines) + "\n"
    print(text, end="")
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    if k["non2xx"] or u["non2xx"] or results["kiln_json"]["non2xx"]:
        sys.exit("Kiln answered non-2xx responses under load")


if __name__ == "__main__":
    main()
