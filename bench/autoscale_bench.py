#!/usr/bin/python3
"""Autoscaling under real load: how fast new capacity serves after a load step, how fast it goes
back, and how many requests fail meanwhile and during a blue/green UpdateEndpoint (issue 4's
autoscaling targets: new capacity serves within 5 s of a load step; zero failed requests during
scale-out, scale-in and UpdateEndpoint under load).

One `kiln server` serves serve_bench.py's model (100 trees of depth 6, 20 features) on endpoint
"bench", deployed with boto3. Application Auto Scaling (boto3 "application-autoscaling"): a
scalable target of 1..4 instances and a TargetTrackingScaling policy on
SageMakerVariantInvocationsPerInstance with a target of --target-per-second requests per second
per instance (ScaleOutCooldown 5 s, ScaleInCooldown 10 s). All along, a background client sends a
light paced load (SigV4-signed InvokeEndpoint, keep-alive, 100 requests/s) and counts every answer
that is not a 200. Phases:

  1. step:      wrk -c 16 starts at t0 (SigV4-signed single-row text/csv requests). Polled every
                50 ms: when DescribeEndpoint's DesiredInstanceCount first exceeds 1 (decided),
                when a new instance has answered requests in /metrics (new capacity serves), and
                when the variant reaches its maximum, each counted from t0.
  2. scale-in:  wrk stops; the light load goes on; time until the variant is back to 1 instance.
  3. update:    wrk -c 16 again; 3 s in, UpdateEndpoint to a new endpoint config (same model);
                time until InService with the new config, while wrk keeps sending.

Instances are units of capacity inside the server process (docs/architecture.md), so on this
2-core machine more instances do not add requests/s: the bench measures the control loop and
request safety, not throughput. Writes bench/results/autoscale.txt.

usage: autoscale_bench.py [--kiln build/kiln] [--out FILE]
"""
import argparse, datetime, http.client, os, re, shutil, subprocess, sys, tempfile, threading
import time

import boto3
from botocore.config import Config

import serve_bench as sb

TARGET_SERVES_S = 5.0
MAX_INSTANCES = 4
PACED_PER_S = 100
PATH = "/endpoints/bench/invocations"
RESOURCE = "endpoint/bench/variant/AllTraffic"
DIMENSION = "sagemaker:variant:DesiredInstanceCount"


def client(url, service):
    return boto3.client(service, endpoint_url=url, region_name=sb.REGION,
                        aws_access_key_id=sb.AK, aws_secret_access_key=sb.SK,
                        config=Config(retries={"max_attempts": 1}))


class PacedLoad:
    """One keep-alive connection sending the signed request PACED_PER_S times a second; counts
    answers and failures (a non-200 status or a connection error)."""

    def __init__(self, port, headers, body):
        self.port, self.headers, self.body = port, headers, body
        self.ok, self.failures = 0, []
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        conn = None
        next_at = time.monotonic()
        while not self.stop_event.is_set():
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                conn.request("POST", PATH, body=self.body, headers=self.headers)
                r = conn.getresponse()
                r.read()
                if r.status == 200:
                    self.ok += 1
                else:
                    self.failures.append(f"{r.status} at {time.monotonic():.3f}")
            except (OSError, http.client.HTTPException) as e:
                self.failures.append(f"{type(e).__name__}: {e}")
                conn = None
            next_at += 1.0 / PACED_PER_S
            time.sleep(max(0.0, next_at - time.monotonic()))

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.stop_event.set()
        self.thread.join(timeout=30)


class Wrk:
    """wrk -t 2 -c 16 for `duration` seconds in the background; parsed when it ends."""

    def __init__(self, port, script, duration):
        self.proc = subprocess.Popen(["wrk", "-t", "2", "-c", "16", "-d", f"{duration}s",
                                      "-s", script, f"http://127.0.0.1:{port}/"],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def result(self):
        out, _ = self.proc.communicate()
        requests = int(re.search(r"(\d+) requests in", out).group(1))
        bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                           out)
        socket_errors = sum(int(g) for g in errors.groups()) if errors else 0
        return {"requests": requests, "rps": float(re.search(r"Requests/sec:\s+([\d.]+)",
                                                             out).group(1)),
                "failed": (int(bad.group(1)) if bad else 0) + socket_errors, "raw": out}


def variant(sm):
    (v,) = sm.describe_endpoint(EndpointName="bench")["ProductionVariants"]
    return v


def instance_invocations(port):
    """{instance id: requests served} from /metrics."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/metrics")
    text = conn.getresponse().read().decode()
    conn.close()
    out = {}
    for m in re.finditer(r'^kiln_endpoint_instance_invocations_total\{[^}]*endpoint="bench"[^}]*'
                         r'instance="([^"]+)"[^}]*\} (\S+)$', text, re.M):
        out[m.group(1)] = float(m.group(2))
    return out


def wait_until(predicate, timeout, interval=0.05):
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(interval)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kiln", default=os.path.join(sb.ROOT, "build", "kiln"))
    ap.add_argument("--target-per-second", type=float, default=15000,
                    help="the policy's invocations per second per instance")
    ap.add_argument("--out", default=os.path.join(sb.ROOT, "bench", "results", "autoscale.txt"))
    args = ap.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: run scripts/install-deps")
    tmp = tempfile.mkdtemp(prefix="kiln-autoscale-bench-")
    kiln = paced = None
    try:
        model_path = os.path.join(tmp, "xgboost-model")
        _, rows = sb.train(model_path)
        body = sb.csv_row(rows[0]) + "\n"
        load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
        kiln, url = sb.start_kiln(args.kiln, os.path.join(tmp, "data"))
        port = int(url.rsplit(":", 1)[1])
        sb.deploy(url, model_path)
        sm, aas = client(url, "sagemaker"), client(url, "application-autoscaling")
        aas.register_scalable_target(ServiceNamespace="sagemaker", ResourceId=RESOURCE,
                                     ScalableDimension=DIMENSION, MinCapacity=1,
                                     MaxCapacity=MAX_INSTANCES)
        aas.put_scaling_policy(
            PolicyName="track", ServiceNamespace="sagemaker", ResourceId=RESOURCE,
            ScalableDimension=DIMENSION, PolicyType="TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration={
                "TargetValue": 60 * args.target_per_second,
                "PredefinedMetricSpecification": {
                    "PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"},
                "ScaleOutCooldown": 5, "ScaleInCooldown": 10})
        headers = sb.signed_headers(url, PATH, body)  # valid for 15 minutes
        status, answer = sb.raw_post(port, PATH, headers, body)
        if status != 200:
            raise SystemExit(f"the signed request got {status} {answer!r}")
        script = os.path.join(tmp, "bench.lua")
        sb.lua_script(PATH, headers, body, script)
        paced = PacedLoad(port, headers, body).start()
        time.sleep(2)
        first = set(instance_invocations(port))

        # 1. the load step
        t0 = time.monotonic()
        wrk = Wrk(port, script, 20)
        decided_s = serves_s = max_s = None
        while time.monotonic() - t0 < 20 and None in (decided_s, serves_s, max_s):
            v = variant(sm)
            now = time.monotonic() - t0
            if decided_s is None and v["DesiredInstanceCount"] > 1:
                decided_s = now
            if max_s is None and v["CurrentInstanceCount"] == MAX_INSTANCES:
                max_s = now
            if serves_s is None and any(n > 0 for i, n in instance_invocations(port).items()
                                        if i not in first):
                serves_s = time.monotonic() - t0
            time.sleep(0.05)
        peak = variant(sm)["CurrentInstanceCount"]
        step = wrk.result()

        # 2. scale-in under the paced load
        scale_in_s = wait_until(lambda: variant(sm)["CurrentInstanceCount"] == 1, 60, 0.2)

        # 3. UpdateEndpoint under load
        sm.create_endpoint_config(EndpointConfigName="bench-v2", ProductionVariants=[{
            "VariantName": "AllTraffic", "ModelName": "bench", "InitialInstanceCount": 1,
            "InstanceType": "ml.m5.large"}])
        wrk = Wrk(port, script, 12)
        time.sleep(3)
        t = time.monotonic()
        sm.update_endpoint(EndpointName="bench", EndpointConfigName="bench-v2")
        update_s = wait_until(lambda: (lambda d: d["EndpointStatus"] == "InService" and
                                       d["EndpointConfigName"] == "bench-v2")(
                                           sm.describe_endpoint(EndpointName="bench")), 30)
        update_s = update_s if update_s is None else time.monotonic() - t
        update = wrk.result()
        paced.stop()
        acts = aas.describe_scaling_activities(ServiceNamespace="sagemaker",
                                               ResourceId=RESOURCE)["ScalingActivities"]
    finally:
        if paced:
            paced.stop()
        sb.stop(kiln)
        shutil.rmtree(tmp, ignore_errors=True)

    def s(v):
        return "not reached" if v is None else f"{v:.2f} s"

    serves_met = serves_s is not None and serves_s <= TARGET_SERVES_S
    failed = step["failed"] + update["failed"] + len(paced.failures)
    lines = [
        "Autoscaling under load (bench/autoscale_bench.py)",
        f"date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M:%S UTC}",
        f"machine: {sb.machine()}",
        f"uptime before timing: {load}",
        f"model: {sb.TREES} trees of depth {sb.DEPTH} on {sb.FEATURES} features; policy: "
        f"TargetTracking on SageMakerVariantInvocationsPerInstance, "
        f"{args.target_per_second:.0f}/s per instance, 1..{MAX_INSTANCES} instances, "
        "cooldowns out 5 s / in 10 s",
        f"load: wrk -t 2 -c 16 (signed text/csv rows) in phases 1 and 3; a paced client at "
        f"{PACED_PER_S} requests/s throughout",
        "",
        "1. load step (wrk starts at t0)",
        f"   scale-out decided (DesiredInstanceCount > 1):   {s(decided_s)}",
        f"   new capacity serves (a new instance answered):  {s(serves_s)}  (target <= "
        f"{TARGET_SERVES_S:.0f} s: {'met' if serves_met else 'NOT met'})",
        f"   at {MAX_INSTANCES} instances:                          {s(max_s)} (peak {peak})",
        f"   wrk: {step['requests']} requests, {step['rps']:.0f}/s, {step['failed']} failed",
        f"2. scale-in: back to 1 instance {s(scale_in_s)} after wrk stopped (ScaleInCooldown 10 s "
        "of low load, then one step)",
        f"3. UpdateEndpoint under load: InService on the new config {s(update_s)} after the call; "
        f"wrk: {update['requests']} requests, {update['rps']:.0f}/s, {update['failed']} failed",
        f"paced client (all phases): {paced.ok} requests, {len(paced.failures)} failed",
        "",
        f"failed requests in all phases: {failed}  (target 0: {'met' if failed == 0 else 'NOT met'})",
        "scaling activities (newest first):",
    ]
    for a in acts:
        lines.append(f"   {a['StatusCode']:<10} {a['Description']}  "
                     f"({(a['EndTime'] - a['StartTime']).total_seconds():.2f} s)")
    if paced.failures:
        lines.append("paced failures: " + "; ".join(paced.failures[:10]))
    text = "\n".join(lines) + "\n"
    print(text, end="")
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    if failed or not serves_met:
        sys.exit("autoscaling targets not met")


if __name__ == "__main__":
    main()
