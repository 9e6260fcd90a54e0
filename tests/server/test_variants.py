"""Production variants as live capacity, through Debian's boto3: traffic split by weight and
pinned with TargetVariant, DescribeEndpoint's current/desired counts and weights,
UpdateEndpointWeightsAndCapacities changing counts live (the autoscaler's SetVariantCapacity path),
scale to zero with a held first request, the documented 400s for bad input while the endpoint
keeps serving, zero failed requests under load during UpdateEndpoint and capacity changes, the
Prometheus /metrics text, the JSON metrics API, and data capture objects in the store."""

import json
import threading
import time
import urllib.error
import urllib.request

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import pytest
from botocore.exceptions import ClientError

import kiln_server
from sagemaker_flow import XGBOOST_IMAGE, ROLE
from test_endpoints import saved_model, tar_gz, train_booster

BUCKET = "sm-variants"
CAPTURE_BUCKET = "sm-capture"
FAST = {"Delay": 1, "MaxAttempts": 120}
ROW = "0.1,0.2,0.3,0.4"


@pytest.fixture(scope="module")
def sm(server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    s3.create_bucket(Bucket=CAPTURE_BUCKET)
    return server.client("sagemaker")


@pytest.fixture(scope="module")
def runtime(server):
    return server.client("sagemaker-runtime")


@pytest.fixture(scope="module")
def models(server, sm, tmp_path_factory):
    """Models "va" and "vb": two boosters Python's xgboost trained."""
    s3 = server.client("s3")
    for name, rounds in [("va", 3), ("vb", 5)]:
        booster, _ = train_booster(rounds=rounds, seed=rounds)
        s3.put_object(Bucket=BUCKET, Key=f"{name}/model.tar.gz", Body=tar_gz(
            {"xgboost-model": saved_model(booster, tmp_path_factory.mktemp(name))}))
        sm.create_model(ModelName=name, ExecutionRoleArn=ROLE, PrimaryContainer={
            "Image": XGBOOST_IMAGE, "ModelDataUrl": f"s3://{BUCKET}/{name}/model.tar.gz"})
    return ["va", "vb"]


def variant(name, model, instances, weight=1.0):
    return {"VariantName": name, "ModelName": model, "InitialInstanceCount": instances,
            "InstanceType": "ml.m5.large", "InitialVariantWeight": weight}


def create(sm, name, variants, **extra):
    sm.create_endpoint_config(EndpointConfigName=name, ProductionVariants=variants, **extra)
    sm.create_endpoint(EndpointName=name, EndpointConfigName=name)
    sm.get_waiter("endpoint_in_service").wait(EndpointName=name, WaiterConfig=FAST)


def variants_of(sm, endpoint):
    return {v["VariantName"]: v for v in
            sm.describe_endpoint(EndpointName=endpoint)["ProductionVariants"]}


def wait_current(sm, endpoint, name, count, timeout=30):
    """Polls DescribeEndpoint until variant `name` has `count` live instances."""
    deadline = time.time() + timeout
    while True:
        v = variants_of(sm, endpoint)[name]
        if v["CurrentInstanceCount"] == count:
            return v
        assert time.time() < deadline, f"{endpoint}/{name}: {v}"
        time.sleep(0.1)


def invoke(runtime, endpoint, body=ROW, **kw):
    return runtime.invoke_endpoint(EndpointName=endpoint, ContentType="text/csv", Body=body, **kw)


def signed_get(server, path):
    req = botocore.awsrequest.AWSRequest(method="GET", url=server.url + path)
    botocore.auth.SigV4Auth(
        botocore.credentials.Credentials(kiln_server.ACCESS_KEY, kiln_server.SECRET_KEY),
        "sagemaker", "us-east-1").add_auth(req)
    with urllib.request.urlopen(urllib.request.Request(req.url, headers=dict(req.headers)),
                                timeout=30) as r:
        return r.status, r.headers.get("Content-Type"), r.read().decode()


def metrics_text(server):
    with urllib.request.urlopen(server.url + "/metrics", timeout=30) as r:  # unsigned
        assert r.status == 200
        assert r.headers.get("Content-Type").startswith("text/plain; version=0.0.4")
        return r.read().decode()


def sample(text, name, **labels):
    """The value of the Prometheus sample `name{labels}` in `text`, or None."""
    want = name + "{" + ",".join(f'{k}="{v}"' for k, v in labels.items()) + "}"
    for line in text.splitlines():
        if line.startswith(want + " "):
            return float(line.split()[-1])
    return None


def test_variants_split_by_weight_pin_and_describe_their_counts(sm, runtime, models):
    create(sm, "vv", [variant("A", "va", 1, 3), variant("B", "vb", 2, 1)])
    v = variants_of(sm, "vv")
    assert (v["A"]["CurrentInstanceCount"], v["A"]["DesiredInstanceCount"]) == (1, 1)
    assert (v["B"]["CurrentInstanceCount"], v["B"]["DesiredInstanceCount"]) == (2, 2)
    assert (v["A"]["CurrentWeight"], v["A"]["DesiredWeight"]) == (3.0, 3.0)
    assert (v["B"]["CurrentWeight"], v["B"]["DesiredWeight"]) == (1.0, 1.0)
    hits = {"A": 0, "B": 0}
    for _ in range(200):
        hits[invoke(runtime, "vv")["InvokedProductionVariant"]] += 1
    assert 110 < hits["A"] < 185 and hits["A"] + hits["B"] == 200
    for _ in range(10):
        assert invoke(runtime, "vv", TargetVariant="B")["InvokedProductionVariant"] == "B"


def expect_400(runtime, endpoint, body, fragment, **kw):
    with pytest.raises(ClientError) as e:
        invoke(runtime, endpoint, body, **kw)
    assert e.value.response["Error"]["Code"] == "ValidationError"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert fragment in e.value.response["Error"]["Message"], e.value.response["Error"]
    # ... and the endpoint keeps serving.
    assert invoke(runtime, endpoint)["Body"].read()


def test_bad_input_gets_documented_400s_and_the_endpoint_keeps_serving(server, sm, runtime,
                                                                       models):
    create(sm, "vbad", [variant("AllTraffic", "va", 1)])
    expect_400(runtime, "vbad", "1,2,3", "3 values, the model takes 4 features")
    expect_400(runtime, "vbad", "1,2,abc,4", '"abc" is not a number')
    expect_400(runtime, "vbad", b"", "empty")
    expect_400(runtime, "vbad", ("0.5," * 3 + "0.5\n") * 440_000, "bytes")  # 7 MB
    expect_400(runtime, "vbad", ROW, "is not a production variant", TargetVariant="Nope")
    _, _, body = signed_get(server, "/kiln/v1/endpoints/vbad/metrics")
    (m,) = json.loads(body)["ProductionVariants"]
    assert m["Invocation4XXErrors"] == 4  # the unknown variant reaches no variant
    assert m["Invocations"] == 4 + 5


def test_capacity_changes_live_through_update_endpoint_weights_and_capacities(server, sm,
                                                                              runtime, models):
    create(sm, "vcap", [variant("AllTraffic", "va", 1)])
    sm.update_endpoint_weights_and_capacities(EndpointName="vcap", DesiredWeightsAndCapacities=[
        {"VariantName": "AllTraffic", "DesiredInstanceCount": 3}])
    d = sm.describe_endpoint(EndpointName="vcap")
    assert d["EndpointStatus"] == "InService"  # Kiln scales live, without Updating
    assert d["ProductionVariants"][0]["DesiredInstanceCount"] == 3
    wait_current(sm, "vcap", "AllTraffic", 3)
    text = metrics_text(server)
    assert sample(text, "kiln_endpoint_instances", endpoint="vcap", variant="AllTraffic") == 3
    assert sample(text, "kiln_endpoint_desired_instances", endpoint="vcap",
                  variant="AllTraffic") == 3
    for _ in range(30):
        invoke(runtime, "vcap")
    sm.update_endpoint_weights_and_capacities(EndpointName="vcap", DesiredWeightsAndCapacities=[
        {"VariantName": "AllTraffic", "DesiredInstanceCount": 1}])
    wait_current(sm, "vcap", "AllTraffic", 1)
    text = metrics_text(server)
    assert sample(text, "kiln_endpoint_instances", endpoint="vcap", variant="AllTraffic") == 1
    # Removed instances' requests still count.
    assert sample(text, "kiln_endpoint_invocations_total", endpoint="vcap",
                  variant="AllTraffic") == 30
    with pytest.raises(ClientError) as e:
        sm.update_endpoint_weights_and_capacities(
            EndpointName="vcap", DesiredWeightsAndCapacities=[
                {"VariantName": "AllTraffic", "DesiredInstanceCount": 99}])
    assert e.value.response["Error"]["Code"] == "ValidationException"


def test_scale_to_zero_holds_the_first_request_while_an_instance_starts(server, sm, runtime,
                                                                       models):
    # InitialInstanceCount 0 is a Kiln extension (boto3 checks min 1 itself, so skip its check).
    loose = server.client("sagemaker", parameter_validation=False)
    create(loose, "vzero", [variant("AllTraffic", "va", 0)])
    v = variants_of(sm, "vzero")["AllTraffic"]
    assert (v["CurrentInstanceCount"], v["DesiredInstanceCount"]) == (0, 0)
    r = invoke(runtime, "vzero")  # held, not failed
    assert r["InvokedProductionVariant"] == "AllTraffic"
    v = variants_of(sm, "vzero")["AllTraffic"]
    assert (v["CurrentInstanceCount"], v["DesiredInstanceCount"]) == (1, 1)
    sm.update_endpoint_weights_and_capacities(EndpointName="vzero", DesiredWeightsAndCapacities=[
        {"VariantName": "AllTraffic", "DesiredInstanceCount": 0}])
    wait_current(sm, "vzero", "AllTraffic", 0)
    # Several requests at once after idle: all are held, none fails.
    results, errors = [], []

    def call():
        try:
            results.append(invoke(runtime, "vzero")["Body"].read())
        except Exception as e:  # noqa: BLE001 - any failure fails the test below
            errors.append(e)

    threads = [threading.Thread(target=call) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 4
    assert variants_of(sm, "vzero")["AllTraffic"]["CurrentInstanceCount"] == 1


def test_no_request_fails_during_update_endpoint_and_capacity_changes(server, sm, models):
    create(sm, "vlive", [variant("AllTraffic", "va", 1)])
    sm.create_endpoint_config(EndpointConfigName="vlive-2",
                              ProductionVariants=[variant("AllTraffic", "vb", 2)])
    stop = threading.Event()
    counts = {"ok": 0}
    errors = []

    def load():
        client = server.client("sagemaker-runtime")
        while not stop.is_set():
            try:
                invoke(client, "vlive")["Body"].read()
                counts["ok"] += 1
            except Exception as e:  # noqa: BLE001
                errors.append(e)

    threads = [threading.Thread(target=load) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        sm.update_endpoint_weights_and_capacities(
            EndpointName="vlive", DesiredWeightsAndCapacities=[
                {"VariantName": "AllTraffic", "DesiredInstanceCount": 3}])
        wait_current(sm, "vlive", "AllTraffic", 3)
        sm.update_endpoint(EndpointName="vlive", EndpointConfigName="vlive-2")
        sm.get_waiter("endpoint_in_service").wait(EndpointName="vlive", WaiterConfig=FAST)
        assert sm.describe_endpoint(EndpointName="vlive")["EndpointConfigName"] == "vlive-2"
        sm.update_endpoint_weights_and_capacities(
            EndpointName="vlive", DesiredWeightsAndCapacities=[
                {"VariantName": "AllTraffic", "DesiredInstanceCount": 1}])
        wait_current(sm, "vlive", "AllTraffic", 1)
        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors, errors[:3]
    assert counts["ok"] > 20


def test_metrics_text_and_json_api(server, sm, runtime, models):
    create(sm, "vmet", [variant("AllTraffic", "va", 2)])
    for _ in range(10):
        invoke(runtime, "vmet")
    with pytest.raises(ClientError):
        invoke(runtime, "vmet", "1,2")
    text = metrics_text(server)
    for family in ["kiln_endpoint_invocations_total", "kiln_endpoint_model_latency_seconds",
                   "kiln_endpoint_overhead_latency_seconds", "kiln_endpoint_instances",
                   "kiln_endpoint_invocation_4xx_errors_total",
                   "kiln_endpoint_invocation_5xx_errors_total", "kiln_endpoint_model_errors_total"]:
        assert f"# TYPE {family} " in text
    labels = {"endpoint": "vmet", "variant": "AllTraffic"}
    assert sample(text, "kiln_endpoint_invocations_total", **labels) == 11
    assert sample(text, "kiln_endpoint_invocation_4xx_errors_total", **labels) == 1
    assert sample(text, "kiln_endpoint_model_latency_seconds_count", **labels) == 10
    assert sample(text, "kiln_endpoint_overhead_latency_seconds_count", **labels) == 11
    assert 'kiln_endpoint_model_latency_seconds_bucket{endpoint="vmet",variant="AllTraffic",' \
           'le="+Inf"} 10' in text
    assert sample(text, "kiln_endpoint_instance_invocations_total", **labels,
                  instance="AllTraffic-1") is not None

    status, content_type, body = signed_get(server, "/kiln/v1/endpoints/vmet/metrics")
    assert status == 200 and content_type == "application/json"
    doc = json.loads(body)
    assert doc["EndpointName"] == "vmet"
    (v,) = doc["ProductionVariants"]
    assert v["Invocations"] == 11 and v["Invocation4XXErrors"] == 1
    assert v["CurrentInstanceCount"] == 2 and v["DesiredInstanceCount"] == 2
    assert v["ModelLatency"]["Count"] == 10 and v["ModelLatency"]["MeanSeconds"] > 0
    assert v["InstanceCountHistory"][-1]["InstanceCount"] == 2
    assert sorted(i["InstanceId"] for i in v["Instances"]) == ["AllTraffic-1", "AllTraffic-2"]
    assert v["InvocationsPerInstancePerMinute"] > 0
    _, _, everything = signed_get(server, "/kiln/v1/endpoints/metrics")
    assert "vmet" in [e["EndpointName"] for e in json.loads(everything)["Endpoints"]]
    with pytest.raises(urllib.error.HTTPError) as e:
        signed_get(server, "/kiln/v1/endpoints/no-such/metrics")
    assert e.value.code == 404


def test_data_capture_writes_sampled_requests_to_the_store(server, sm, runtime, models):
    create(sm, "vcap-dc", [variant("AllTraffic", "va", 1)], DataCaptureConfig={
        "EnableCapture": True, "InitialSamplingPercentage": 100,
        "DestinationS3Uri": f"s3://{CAPTURE_BUCKET}/datacapture",
        "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
        "CaptureContentTypeHeader": {"CsvContentTypes": ["text/csv"]}})
    summary = sm.describe_endpoint(EndpointName="vcap-dc")["DataCaptureConfig"]
    assert summary["EnableCapture"] and summary["CaptureStatus"] == "Started"
    assert summary["CurrentSamplingPercentage"] == 100
    assert summary["DestinationS3Uri"] == f"s3://{CAPTURE_BUCKET}/datacapture"
    # InferenceId (what Model Monitor joins ground truth on) is recorded with the event.
    outputs = [invoke(runtime, "vcap-dc", f"0.{i},0.2,0.3,0.4",
                      **({"InferenceId": "order-3"} if i == 3 else {}))["Body"].read().decode()
               for i in range(5)]
    s3 = server.client("s3")
    deadline = time.time() + 15  # flushed at least every 2 s
    records = []
    while len(records) < 5:
        assert time.time() < deadline, records
        time.sleep(0.5)
        listed = s3.list_objects_v2(Bucket=CAPTURE_BUCKET, Prefix="datacapture/vcap-dc/AllTraffic/")
        records = []
        for o in listed.get("Contents", []):
            parts = o["Key"].split("/")
            assert len(parts) == 8 and parts[-1].endswith(".jsonl"), o["Key"]  # yyyy/mm/dd/hh
            body = s3.get_object(Bucket=CAPTURE_BUCKET, Key=o["Key"])["Body"].read().decode()
            records += [json.loads(line) for line in body.splitlines()]
    records.sort(key=lambda r: r["captureData"]["endpointInput"]["data"])
    first = records[0]
    assert first["eventVersion"] == "0"
    assert first["eventMetadata"]["eventId"] and first["eventMetadata"]["inferenceTime"].endswith("Z")
    assert first["captureData"]["endpointInput"] == {
        "observedContentType": "text/csv", "mode": "INPUT", "data": "0.0,0.2,0.3,0.4",
        "encoding": "CSV"}
    out = first["captureData"]["endpointOutput"]
    assert out["mode"] == "OUTPUT" and out["encoding"] == "CSV" and out["data"] == outputs[0]
    assert "inferenceId" not in first["eventMetadata"]
    assert records[3]["eventMetadata"]["inferenceId"] == "order-3"

    with pytest.raises(ClientError) as e:
        sm.create_endpoint_config(EndpointConfigName="dc-bad", ProductionVariants=[
            variant("AllTraffic", "va", 1)], DataCaptureConfig={
            "InitialSamplingPercentage": 101, "DestinationS3Uri": f"s3://{CAPTURE_BUCKET}/x",
            "CaptureOptions": [{"CaptureMode": "Input"}]})
    assert e.value.response["Error"]["Code"] == "ValidationException"
