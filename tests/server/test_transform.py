"""SageMaker batch transform through Debian's boto3: a model Python's xgboost trained is registered
with CreateModel, CreateTransformJob runs over a prefix of CSV objects, boto3's
transform_job_completed_or_stopped waiter sees it finish, and every .out object equals xgboost's
own predictions and the endpoint's answers, and its log is served over HTTP; JSON Lines with filters and JoinSource; a moderate
streaming input; StopTransformJob; bad input failing with the object and line; unknown models and
bad URIs refused; ListTransformJobs' filters and pages; a job killed with the server is Failed
after the restart and keeps the progress it had stored. KILN_LONG_TESTS=1 adds a few-hundred-MB
input in bounded memory."""

import gzip
import json
import os
import subprocess
import time
import urllib.error
import urllib.request

import numpy as np
import pytest
import xgboost
from botocore.exceptions import ClientError, WaiterError

from kiln_server import kiln_binary
from sagemaker_flow import ROLE, XGBOOST_IMAGE
from test_endpoints import csv_rows, saved_model, scores, tar_gz, train_booster
from test_variants import signed_get

BUCKET = "sm-transform"
FAST = {"Delay": 1, "MaxAttempts": 300}
STOPPED_REASON = "the Kiln server stopped while the job was running; start it again"


@pytest.fixture(scope="module")
def s3(server):
    client = server.client("s3")
    client.create_bucket(Bucket=BUCKET)
    return client


@pytest.fixture(scope="module")
def sm(server, s3):
    return server.client("sagemaker")


def register_model(s3, sm, name, booster, tmp_path):
    key = f"models/{name}/model.tar.gz"
    s3.put_object(Bucket=BUCKET, Key=key,
                  Body=tar_gz({"xgboost-model": saved_model(booster, tmp_path)}))
    sm.create_model(ModelName=name, ExecutionRoleArn=ROLE,
                    PrimaryContainer={"Image": XGBOOST_IMAGE,
                                      "ModelDataUrl": f"s3://{BUCKET}/{key}"})


@pytest.fixture(scope="module")
def model(s3, sm, tmp_path_factory):
    """Model "tx" (8 rounds on 4 features) and the booster behind it."""
    booster, x = train_booster(rounds=8)
    register_model(s3, sm, "tx", booster, tmp_path_factory.mktemp("tx"))
    return booster, x


def transform(sm, name, uri, data_type="S3Prefix", content_type="text/csv", wait=True, **extra):
    request = dict(
        TransformJobName=name, ModelName=extra.pop("model_name", "tx"),
        TransformInput={"DataSource": {"S3DataSource": {"S3DataType": data_type, "S3Uri": uri}},
                        "ContentType": content_type, "SplitType": "Line",
                        **extra.pop("transform_input", {})},
        TransformOutput={"S3OutputPath": f"s3://{BUCKET}/out/{name}", "AssembleWith": "Line",
                         **extra.pop("transform_output", {})},
        TransformResources={"InstanceType": "ml.m5.large", "InstanceCount": 1}, **extra)
    arn = sm.create_transform_job(**request)["TransformJobArn"]
    assert arn == f"arn:aws:sagemaker:us-east-1:000000000000:transform-job/{name}"
    if wait:
        sm.get_waiter("transform_job_completed_or_stopped").wait(TransformJobName=name,
                                                                 WaiterConfig=FAST)
    return sm.describe_transform_job(TransformJobName=name)


def raw_describe(sm, name):
    """DescribeTransformJob's JSON as sent (botocore drops KilnProgress: it is not modelled)."""
    seen = {}

    def keep(http_response, **_):
        seen["body"] = json.loads(http_response.content)

    sm.meta.events.register("after-call.sagemaker.DescribeTransformJob", keep)
    try:
        sm.describe_transform_job(TransformJobName=name)
    finally:
        sm.meta.events.unregister("after-call.sagemaker.DescribeTransformJob", keep)
    return seen["body"]


def get_text(s3, key):
    return s3.get_object(Bucket=BUCKET, Key=key)["Body"].read().decode()


def exists(s3, key):
    return s3.list_objects_v2(Bucket=BUCKET, Prefix=key).get("KeyCount", 0) > 0


def test_csv_prefix_outputs_equal_xgboost_and_the_endpoint(server, s3, sm, model):
    booster, x = model
    s3.put_object(Bucket=BUCKET, Key="csv/part-1.csv", Body=csv_rows(x[:70]) + "\n")
    s3.put_object(Bucket=BUCKET, Key="csv/more/part-2.csv", Body=csv_rows(x[70:]))
    d = transform(sm, "csv-prefix", f"s3://{BUCKET}/csv/", MaxConcurrentTransforms=2,
                  Tags=[{"Key": "team", "Value": "risk"}])
    assert d["TransformJobStatus"] == "Completed", d.get("FailureReason")
    assert d["ModelName"] == "tx"
    assert d["BatchStrategy"] == "MultiRecord" and d["MaxPayloadInMB"] == 6
    assert d["TransformInput"]["SplitType"] == "Line"
    assert d["TransformStartTime"] <= d["TransformEndTime"]
    want = booster.predict(xgboost.DMatrix(x))
    got1 = scores(get_text(s3, "out/csv-prefix/part-1.csv.out").encode())
    got2 = scores(get_text(s3, "out/csv-prefix/more/part-2.csv.out").encode())
    assert len(got1) == 70 and len(got2) == len(x) - 70
    assert np.allclose(got1 + got2, want, atol=1e-6)
    progress = raw_describe(sm, "csv-prefix")["KilnProgress"]
    assert progress["ObjectsTotal"] == progress["ObjectsDone"] == 2
    assert progress["RecordsDone"] == len(x)
    assert progress["BytesDone"] == progress["BytesTotal"] > 0
    log = subprocess.run([str(kiln_binary()), "logs", "csv-prefix", "--data-dir",
                          str(server.data_dir)], capture_output=True, text=True, check=True).stdout
    assert (f"s3://{BUCKET}/csv/part-1.csv: 70 records -> "
            f"s3://{BUCKET}/out/csv-prefix/part-1.csv.out") in log
    # The same log over HTTP, signed like every SageMaker call (GET /kiln/v1/transform-jobs/...).
    status, content_type, text = signed_get(server, "/kiln/v1/transform-jobs/csv-prefix/logs")
    assert status == 200 and content_type == "text/plain; charset=utf-8"
    assert text == log
    with pytest.raises(urllib.error.HTTPError) as e:
        signed_get(server, "/kiln/v1/transform-jobs/no-such-job/logs")
    assert e.value.code == 404 and b"no-such-job" in e.value.read()
    with pytest.raises(urllib.error.HTTPError) as e:  # unsigned
        urllib.request.urlopen(server.url + "/kiln/v1/transform-jobs/csv-prefix/logs", timeout=30)
    assert e.value.code == 403

    # The same model behind an endpoint answers the same.
    sm.create_endpoint_config(EndpointConfigName="tx", ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": "tx", "InitialInstanceCount": 1,
        "InstanceType": "ml.m5.large"}])
    sm.create_endpoint(EndpointName="tx", EndpointConfigName="tx")
    sm.get_waiter("endpoint_in_service").wait(EndpointName="tx", WaiterConfig=FAST)
    runtime = server.client("sagemaker-runtime")
    r = runtime.invoke_endpoint(EndpointName="tx", ContentType="text/csv", Body=csv_rows(x[:70]))
    assert np.allclose(scores(r["Body"].read()), got1, atol=1e-7)


def test_json_lines_with_filters_and_join_source(s3, sm, model):
    booster, x = model
    lines = [json.dumps({"id": f"row-{i}", "features": [float(v) for v in row]})
             for i, row in enumerate(x[:50])]
    s3.put_object(Bucket=BUCKET, Key="jsonl/rows.jsonl", Body="\n".join(lines))
    d = transform(sm, "jsonl-join", f"s3://{BUCKET}/jsonl/rows.jsonl", data_type="S3Object",
                  content_type="application/jsonlines",
                  transform_output={"Accept": "application/jsonlines"},
                  DataProcessing={"InputFilter": "$.features", "JoinSource": "Input",
                                  "OutputFilter": "$['id','SageMakerOutput']"})
    assert d["TransformJobStatus"] == "Completed", d.get("FailureReason")
    assert d["DataProcessing"]["JoinSource"] == "Input"
    out = [json.loads(line) for line in get_text(s3, "out/jsonl-join/rows.jsonl.out").splitlines()]
    want = booster.predict(xgboost.DMatrix(x[:50]))
    assert [o["id"] for o in out] == [f"row-{i}" for i in range(50)]
    assert all(list(o) == ["id", "SageMakerOutput"] for o in out)
    assert np.allclose([o["SageMakerOutput"]["score"] for o in out], want, atol=1e-6)


def test_csv_join_keeps_an_id_column_beside_the_prediction(s3, sm, model):
    booster, x = model
    rows = [f"id-{i}," + ",".join(repr(float(v)) for v in row) for i, row in enumerate(x[:30])]
    s3.put_object(Bucket=BUCKET, Key="ids/x.csv", Body="\n".join(rows))
    d = transform(sm, "csv-join", f"s3://{BUCKET}/ids/", BatchStrategy="SingleRecord",
                  DataProcessing={"InputFilter": "$[1:]", "JoinSource": "Input",
                                  "OutputFilter": "$[0,-1]"})
    assert d["TransformJobStatus"] == "Completed", d.get("FailureReason")
    out = [line.split(",") for line in get_text(s3, "out/csv-join/x.csv.out").splitlines()]
    assert [o[0] for o in out] == [f"id-{i}" for i in range(30)]
    want = booster.predict(xgboost.DMatrix(x[:30]))
    assert np.allclose([float(o[1]) for o in out], want, atol=1e-6)


def test_a_moderate_input_streams_through(server, s3, sm, model):
    booster, _ = model
    rng = np.random.default_rng(5)
    x = rng.random((200_000, 4), dtype=np.float32)
    body = "\n".join(",".join(f"{v:.6g}" for v in row) for row in x).encode()
    s3.put_object(Bucket=BUCKET, Key="moderate/big.csv", Body=body)  # ~ 5.6 MB
    started = time.monotonic()
    d = transform(sm, "moderate", f"s3://{BUCKET}/moderate/", MaxPayloadInMB=1,
                  MaxConcurrentTransforms=2)  # one object: its batches on two threads, in order
    assert d["TransformJobStatus"] == "Completed", d.get("FailureReason")
    seconds = time.monotonic() - started
    got = np.array(scores(s3.get_object(Bucket=BUCKET, Key="out/moderate/big.csv.out")["Body"]
                          .read()))
    parsed = np.array([[float(v) for v in line.split(b",")] for line in body.split(b"\n")],
                      dtype=np.float32)
    assert np.allclose(got, booster.predict(xgboost.DMatrix(parsed)), atol=1e-6)
    print(f"moderate transform: {len(body) / 1e6:.1f} MB, 200000 rows in {seconds:.2f} s")


def test_stop_transform_job_leaves_no_partial_output(s3, sm, model):
    _, x = model
    s3.put_object(Bucket=BUCKET, Key="slow/x.csv", Body="\n".join([csv_rows(x)] * 2000))
    transform(sm, "slow", f"s3://{BUCKET}/slow/", wait=False, BatchStrategy="SingleRecord")
    deadline = time.monotonic() + 30
    while raw_describe(sm, "slow")["KilnProgress"]["RecordsDone"] == 0:
        assert time.monotonic() < deadline, "the job never started"
        time.sleep(0.05)
    sm.stop_transform_job(TransformJobName="slow")
    assert sm.describe_transform_job(TransformJobName="slow")["TransformJobStatus"] in (
        "Stopping", "Stopped")
    sm.get_waiter("transform_job_completed_or_stopped").wait(TransformJobName="slow",
                                                             WaiterConfig=FAST)
    d = sm.describe_transform_job(TransformJobName="slow")
    assert d["TransformJobStatus"] == "Stopped"
    assert "TransformEndTime" in d
    assert not exists(s3, "out/slow/x.csv.out")
    with pytest.raises(ClientError) as e:
        sm.stop_transform_job(TransformJobName="slow")
    assert e.value.response["Error"]["Code"] == "ValidationException"


def test_a_malformed_row_fails_the_job_naming_object_and_line(s3, sm, model):
    _, x = model
    rows = csv_rows(x[:10]).split("\n")
    rows[6] = "0.1,oops,0.3,0.4"
    s3.put_object(Bucket=BUCKET, Key="bad/rows.csv", Body="\n".join(rows))
    with pytest.raises(WaiterError):
        transform(sm, "bad-row", f"s3://{BUCKET}/bad/")
    d = sm.describe_transform_job(TransformJobName="bad-row")
    assert d["TransformJobStatus"] == "Failed"
    assert d["FailureReason"].startswith(
        f"ClientError: s3://{BUCKET}/bad/rows.csv, line 7, column 2: \"oops\" is not a number")
    assert not exists(s3, "out/bad-row/")
    with pytest.raises(WaiterError):
        transform(sm, "no-input", f"s3://{BUCKET}/nothing/")
    assert "No S3 objects found under S3 URL" in sm.describe_transform_job(
        TransformJobName="no-input")["FailureReason"]


def test_bad_requests_are_clear_validation_errors(sm, model):
    cases = [
        (dict(model_name="no-such-model"), "Could not find model"),
        (dict(transform_input={"SplitType": "RecordIO"}), "not supported by Kiln yet"),
        (dict(DataProcessing={"InputFilter": "$.features"}), "DataProcessing.InputFilter"),
        (dict(transform_output={"Accept": "application/x-parquet"}), "TransformOutput.Accept"),
    ]
    for extra, message in cases:
        with pytest.raises(ClientError) as e:
            transform(sm, "rejected", f"s3://{BUCKET}/csv/", wait=False, **extra)
        assert e.value.response["Error"]["Code"] == "ValidationException"
        assert message in e.value.response["Error"]["Message"]
    for uri, message in [("https://example.com/data/", "is not an S3 URI"),
                         ("s3://no-such-bucket/data/", "does not exist in Kiln's store")]:
        with pytest.raises(ClientError) as e:
            transform(sm, "rejected", uri, wait=False)
        assert message in e.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as e:
        sm.describe_transform_job(TransformJobName="rejected")
    assert e.value.response["Error"]["Code"] == "ValidationException"
    transform(sm, "dup", f"s3://{BUCKET}/csv/", wait=False)
    with pytest.raises(ClientError) as e:
        transform(sm, "dup", f"s3://{BUCKET}/csv/", wait=False)
    assert e.value.response["Error"]["Code"] == "ResourceInUse"


def test_list_transform_jobs_filters_and_pages(s3, sm, model):
    for name in ("list-a1", "list-a2", "list-b1"):
        transform(sm, name, f"s3://{BUCKET}/csv/", wait=False)
    for name in ("list-a1", "list-a2", "list-b1"):
        sm.get_waiter("transform_job_completed_or_stopped").wait(TransformJobName=name,
                                                                 WaiterConfig=FAST)
    first = sm.list_transform_jobs(NameContains="LIST-A", SortBy="Name", SortOrder="Ascending",
                                   MaxResults=1)
    assert [j["TransformJobName"] for j in first["TransformJobSummaries"]] == ["list-a1"]
    assert first["TransformJobSummaries"][0]["TransformJobStatus"] == "Completed"
    second = sm.list_transform_jobs(NameContains="LIST-A", SortBy="Name", SortOrder="Ascending",
                                    MaxResults=1, NextToken=first["NextToken"])
    assert [j["TransformJobName"] for j in second["TransformJobSummaries"]] == ["list-a2"]
    assert "NextToken" not in second
    names = [j["TransformJobName"]
             for page in sm.get_paginator("list_transform_jobs").paginate(
                 PaginationConfig={"PageSize": 2})
             for j in page["TransformJobSummaries"]]
    assert {"list-a1", "list-a2", "list-b1"} <= set(names)
    failed = sm.list_transform_jobs(StatusEquals="Failed")["TransformJobSummaries"]
    assert "list-a1" not in [j["TransformJobName"] for j in failed]
    with pytest.raises(ClientError) as e:
        sm.list_transform_jobs(StatusEquals="Done")
    assert e.value.response["Error"]["Code"] == "ValidationException"


def test_a_job_running_when_the_server_dies_is_failed_after_restart(fresh_server, tmp_path):
    server = fresh_server.start()
    s3, sm = server.client("s3"), server.client("sagemaker")
    s3.create_bucket(Bucket=BUCKET)
    booster, x = train_booster(rounds=4)
    register_model(s3, sm, "tx", booster, tmp_path)
    s3.put_object(Bucket=BUCKET, Key="slow/x.csv", Body="\n".join([csv_rows(x)] * 2000))
    transform(sm, "killed", f"s3://{BUCKET}/slow/", wait=False, BatchStrategy="SingleRecord")
    deadline = time.monotonic() + 30
    while raw_describe(sm, "killed")["KilnProgress"]["RecordsDone"] == 0:
        assert time.monotonic() < deadline, "the job never started"
        time.sleep(0.05)
    fresh_server.kill()
    server = fresh_server.start()
    sm = server.client("sagemaker")
    with pytest.raises(WaiterError):
        sm.get_waiter("transform_job_completed_or_stopped").wait(TransformJobName="killed",
                                                                 WaiterConfig=FAST)
    d = sm.describe_transform_job(TransformJobName="killed")
    assert d["TransformJobStatus"] == "Failed"
    assert d["FailureReason"] == STOPPED_REASON
    assert not exists(server.client("s3"), "out/killed/")


def test_progress_survives_a_kill_9(fresh_server, tmp_path):
    """Progress is stored as the job runs: after kill -9 and a restart the Failed job still shows
    the object it finished and the records it predicted, not zeros."""
    server = fresh_server.start()
    s3, sm = server.client("s3"), server.client("sagemaker")
    s3.create_bucket(Bucket=BUCKET)
    booster, x = train_booster(rounds=4)
    register_model(s3, sm, "tx", booster, tmp_path)
    # Gzip keeps the upload small and b long to predict (4 million records, one request each).
    s3.put_object(Bucket=BUCKET, Key="two/a.csv.gz", Body=gzip.compress(csv_rows(x[:10]).encode()))
    s3.put_object(Bucket=BUCKET, Key="two/b.csv.gz",
                  Body=gzip.compress("\n".join([csv_rows(x)] * 20000).encode()))
    transform(sm, "crashed", f"s3://{BUCKET}/two/", wait=False, BatchStrategy="SingleRecord",
              MaxConcurrentTransforms=1, transform_input={"CompressionType": "Gzip"})  # a, then b
    deadline = time.monotonic() + 30
    while True:
        live = raw_describe(sm, "crashed")["KilnProgress"]
        if live["ObjectsDone"] == 1 and live["RecordsDone"] > 10:
            break
        assert time.monotonic() < deadline, f"the job never got into b.csv: {live}"
        time.sleep(0.05)
    time.sleep(1.5)  # at least one periodic save inside b.csv
    before_kill = raw_describe(sm, "crashed")["KilnProgress"]
    assert raw_describe(sm, "crashed")["TransformJobStatus"] == "InProgress"
    fresh_server.kill()
    server = fresh_server.start()
    sm = server.client("sagemaker")
    d = raw_describe(sm, "crashed")
    assert d["TransformJobStatus"] == "Failed"
    assert d["FailureReason"] == STOPPED_REASON
    stored = d["KilnProgress"]
    assert stored["ObjectsTotal"] == 2 and stored["ObjectsDone"] == 1
    assert stored["BytesTotal"] == before_kill["BytesTotal"] > 0
    assert 10 < stored["RecordsDone"] <= before_kill["RecordsDone"]
    assert 0 < stored["BytesDone"] <= before_kill["BytesDone"]
    assert exists(server.client("s3"), "out/crashed/a.csv.gz.out")
    assert not exists(server.client("s3"), "out/crashed/b.csv.gz.out")


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


@pytest.mark.skipif(os.environ.get("KILN_LONG_TESTS") != "1",
                    reason="set KILN_LONG_TESTS=1 for a few-hundred-MB transform")
def test_a_few_hundred_mb_transform_in_bounded_memory(fresh_server, tmp_path):
    server = fresh_server.start()
    s3, sm = server.client("s3"), server.client("sagemaker")
    s3.create_bucket(Bucket=BUCKET)
    booster, x = train_booster(rounds=8)
    register_model(s3, sm, "tx", booster, tmp_path)
    block = (csv_rows(x) + "\n").encode()
    copies = (300 << 20) // len(block)
    path = tmp_path / "big.csv"
    with open(path, "wb") as f:
        for _ in range(copies):
            f.write(block)
    s3.upload_file(str(path), BUCKET, "long/big.csv")
    base = rss_mib(fresh_server.proc.pid)
    peak = [base]
    started = time.monotonic()
    transform(sm, "long", f"s3://{BUCKET}/long/", wait=False,
              MaxConcurrentTransforms=int(os.environ.get("KILN_TRANSFORM_CONCURRENCY", "2")))
    while sm.describe_transform_job(TransformJobName="long")["TransformJobStatus"] == "InProgress":
        peak[0] = max(peak[0], rss_mib(fresh_server.proc.pid))
        time.sleep(0.2)
    seconds = time.monotonic() - started
    d = sm.describe_transform_job(TransformJobName="long")
    assert d["TransformJobStatus"] == "Completed", d.get("FailureReason")
    want = booster.predict(xgboost.DMatrix(x))
    out = s3.get_object(Bucket=BUCKET, Key="out/long/big.csv.out")["Body"]
    lines = sum(chunk.count(b"\n") for chunk in iter(lambda: out.read(1 << 20), b""))
    assert lines == copies * len(x)
    head = scores(s3.get_object(Bucket=BUCKET, Key="out/long/big.csv.out",
                                Range="bytes=0-4095")["Body"].read().rsplit(b"\n", 1)[0])
    assert np.allclose(head, np.tile(want, 50)[:len(head)], atol=1e-6)
    size_mb = path.stat().st_size / 1e6
    print(f"long transform: {size_mb:.0f} MB in {seconds:.1f} s ({size_mb / seconds:.1f} MB/s), "
          f"server RSS {base:.0f} -> peak {peak[0]:.0f} MiB")
    assert peak[0] - base < 256
