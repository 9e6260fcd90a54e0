"""SageMaker training jobs through Debian's boto3: a notebook's CreateTrainingJob runs Kiln's
built-in XGBoost, the waiter sees it complete, and the artifact is SageMaker's model.tar.gz that
Python's xgboost loads. Errors, stop, logs and restarts."""

import subprocess
import time

import numpy as np
import pytest
import xgboost
from botocore.exceptions import ClientError, WaiterError

import kiln_server
from sagemaker_flow import (label_first, read_tar_member, training_request, upload_split)
from test_variants import signed_get


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


@pytest.fixture(scope="module")
def data(server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="sm-train")
    df = label_first("wine_quality", "quality", rows=1200)
    train, valid = upload_split(s3, "sm-train", "wine", df)
    return train, valid


def wait(sm, name, timeout=300):
    """boto3's own waiter; it raises WaiterError on Failed, which some tests expect."""
    try:
        sm.get_waiter("training_job_completed_or_stopped").wait(
            TrainingJobName=name, WaiterConfig={"Delay": 1, "MaxAttempts": timeout})
    except WaiterError:
        pass
    return sm.describe_training_job(TrainingJobName=name)


def test_xgboost_job_completes_and_artifact_loads_in_python_xgboost(server, data, tmp_path):
    sm = server.client("sagemaker")
    s3 = server.client("s3")
    req = training_request("wine-xgb", "sm-train", "wine",
                           {"num_round": 40, "max_depth": 4, "eta": 0.2,
                            "objective": "reg:squarederror", "eval_metric": "rmse"})
    arn = sm.create_training_job(**req)["TrainingJobArn"]
    assert arn == "arn:aws:sagemaker:us-east-1:000000000000:training-job/wine-xgb"
    d = wait(sm, "wine-xgb")
    assert d["TrainingJobStatus"] == "Completed", d.get("FailureReason")
    assert d["SecondaryStatus"] == "Completed"
    statuses = [t["Status"] for t in d["SecondaryStatusTransitions"]]
    assert statuses[:1] == ["Starting"] and "Training" in statuses and "Uploading" in statuses
    metrics = {m["MetricName"]: m["Value"] for m in d["FinalMetricDataList"]}
    assert set(metrics) >= {"train:rmse", "validation:rmse"}
    assert 0 < metrics["validation:rmse"] < 1.0
    artifact = d["ModelArtifacts"]["S3ModelArtifacts"]
    assert artifact == "s3://sm-train/wine/output/wine-xgb/output/model.tar.gz"
    body = s3.get_object(Bucket="sm-train", Key="wine/output/wine-xgb/output/model.tar.gz")[
        "Body"].read()
    (tmp_path / "xgboost-model").write_bytes(read_tar_member(body, "xgboost-model"))
    booster = xgboost.Booster(model_file=str(tmp_path / "xgboost-model"))
    _, valid = data
    pred = booster.predict(xgboost.DMatrix(valid.iloc[:, 1:].to_numpy()))
    rmse = float(np.sqrt(np.mean((pred - valid.iloc[:, 0].to_numpy()) ** 2)))
    assert abs(rmse - metrics["validation:rmse"]) < 1e-3
    assert d["HyperParameters"]["num_round"] == "40"
    assert d["TrainingTimeInSeconds"] >= 0
    names = [j["TrainingJobName"] for j in sm.list_training_jobs()["TrainingJobSummaries"]]
    assert "wine-xgb" in names


def test_logs_over_http_and_cli(server, data):
    sm = server.client("sagemaker")
    req = training_request("wine-logs", "sm-train", "wine", {"num_round": 5})
    sm.create_training_job(**req)
    wait(sm, "wine-logs")
    cli = subprocess.run([str(kiln_server.kiln_binary()), "logs", "wine-logs", "--data-dir",
                          str(server.data_dir)], capture_output=True, text=True)
    assert cli.returncode == 0, cli.stderr
    assert "[4]\ttrain-rmse:" in cli.stdout and "validation-rmse" in cli.stdout
    status, _, text = signed_get(server, "/kiln/v1/training-jobs/wine-logs/logs")
    assert status == 200 and "[4]\ttrain-rmse:" in text


def test_validation_errors_name_the_field(server, data):
    sm = server.client("sagemaker")
    bad = training_request("bad-hp", "sm-train", "wine", {"num_round": 5, "colour": "blue"})
    with pytest.raises(ClientError) as e:
        sm.create_training_job(**bad)
    assert error_code(e) == "ValidationException" and "colour" in str(e.value)
    no_round = training_request("no-round", "sm-train", "wine", {"max_depth": 3})
    with pytest.raises(ClientError) as e:
        sm.create_training_job(**no_round)
    assert "num_round" in str(e.value)
    image = training_request("bad-image", "sm-train", "wine", {"num_round": 5},
                             image="123.dkr.ecr.us-east-1.amazonaws.com/my-own-thing:latest")
    with pytest.raises(ClientError) as e:
        sm.create_training_job(**image)
    assert error_code(e) == "ValidationException"
    with pytest.raises(ClientError) as e:
        sm.describe_training_job(TrainingJobName="never-created")
    assert error_code(e) == "ValidationException"


def test_duplicate_name_is_resource_in_use(server, data):
    sm = server.client("sagemaker")
    req = training_request("dup-job", "sm-train", "wine", {"num_round": 3})
    sm.create_training_job(**req)
    with pytest.raises(ClientError) as e:
        sm.create_training_job(**req)
    assert error_code(e) == "ResourceInUse"
    wait(sm, "dup-job")


def test_malformed_csv_fails_the_job_naming_line_and_column(server):
    s3, sm = server.client("s3"), server.client("sagemaker")
    s3.put_object(Bucket="sm-train", Key="broken/train/a.csv", Body=b"1,2,3\n0,4,5\n1,x7,6\n")
    req = training_request("broken-csv", "sm-train", "broken", {"num_round": 3}, validation=False)
    sm.create_training_job(**req)
    d = wait(sm, "broken-csv")
    assert d["TrainingJobStatus"] == "Failed"
    assert "line 3" in d["FailureReason"] and "x7" in d["FailureReason"]


def test_stop_training_job(server, data):
    sm = server.client("sagemaker")
    req = training_request("stop-me", "sm-train", "wine",
                           {"num_round": 200000, "max_depth": 8, "eta": 0.001})
    sm.create_training_job(**req)
    deadline = time.monotonic() + 60
    while sm.describe_training_job(TrainingJobName="stop-me")["SecondaryStatus"] != "Training":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    sm.stop_training_job(TrainingJobName="stop-me")
    d = wait(sm, "stop-me")
    assert d["TrainingJobStatus"] == "Stopped"
    with pytest.raises(ClientError) as e:
        sm.stop_training_job(TrainingJobName="stop-me")
    assert error_code(e) == "ValidationException"


def test_kill_during_training_marks_the_job_failed_after_restart(fresh_server):
    fresh_server.start()
    s3, sm = fresh_server.client("s3"), fresh_server.client("sagemaker")
    s3.create_bucket(Bucket="sm-crash")
    upload_split(s3, "sm-crash", "wine", label_first("wine_quality", "quality", rows=1200))
    s3.put_object(Bucket="sm-crash", Key="keep.txt", Body=b"kept")
    sm.create_training_job(**training_request("crash-job", "sm-crash", "wine",
                                              {"num_round": 200000, "eta": 0.001}))
    deadline = time.monotonic() + 60
    while sm.describe_training_job(TrainingJobName="crash-job")["SecondaryStatus"] != "Training":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    fresh_server.kill()
    fresh_server.start()
    sm, s3 = fresh_server.client("sagemaker"), fresh_server.client("s3")
    d = sm.describe_training_job(TrainingJobName="crash-job")
    assert d["TrainingJobStatus"] == "Failed"
    assert "stopped while the job was running" in d["FailureReason"]
    assert s3.get_object(Bucket="sm-crash", Key="keep.txt")["Body"].read() == b"kept"


def test_a_channel_may_name_an_http_url(server, data, tmp_path):
    """Kiln's extension: S3Uri may be an http(s):// URL that Kiln downloads itself."""
    import functools
    import http.server
    import threading
    train, _ = data
    (tmp_path / "train.csv").write_bytes(train.to_csv(header=False, index=False).encode())
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        sm = server.client("sagemaker")
        req = training_request("from-http", "sm-train", "wine", {"num_round": 5},
                               validation=False)
        req["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"] = (
            f"http://127.0.0.1:{httpd.server_port}/train.csv")
        sm.create_training_job(**req)
        d = wait(sm, "from-http")
        assert d["TrainingJobStatus"] == "Completed", d.get("FailureReason")
        missing = training_request("from-http-404", "sm-train", "wine", {"num_round": 5},
                                   validation=False)
        missing["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"] = (
            f"http://127.0.0.1:{httpd.server_port}/nope.csv")
        sm.create_training_job(**missing)
        d = wait(sm, "from-http-404")
        assert d["TrainingJobStatus"] == "Failed"
        assert "nope.csv" in d["FailureReason"] and "404" in d["FailureReason"]
    finally:
        httpd.shutdown()
