"""A model `kiln automl` made from a table with categorical columns (examples/data/adult.csv:
workclass, education, ... are strings) deployed as an endpoint through Debian's boto3: uploaded in
a model.tar.gz, CreateModel / CreateEndpointConfig / CreateEndpoint, then invoked with raw CSV
rows (strings, quoted fields, missing fields, unseen categories), JSON and JSON Lines. The
endpoint predicts what `kiln predict` predicts for the same rows, to 1e-6, and answers the
runtime's 400 ValidationError for bad rows."""

import csv
import io
import json
import subprocess

import numpy as np
import pytest
from botocore.exceptions import ClientError

from kiln_server import kiln_binary
from sagemaker_flow import REPO, ROLE, tar_gz

BUCKET = "sm-automl-endpoint"
IMAGE = "000000000000.dkr.ecr.us-east-1.amazonaws.com/kiln-xgboost:latest"
FAST = {"Delay": 1, "MaxAttempts": 120}
ADULT = REPO / "examples" / "data" / "adult.csv"


def feature_rows(count):
    """The header and the first `count` rows of adult.csv without the target (its last column),
    plus rows with missing fields, unseen categories and quoted fields."""
    with open(ADULT, newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0][:-1]
    body = [r[:-1] for r in rows[1:count + 1]]
    body.append(["37", "Never-heard-of", "200000", "", "10", "", "", "Husband", "White", "Male",
                 "0", "0", "40", ""])
    body.append(["", "", "", "", "", "", "", "", "", "", "", "", "", ""])
    body.append(["51", "Private", "1", "Masters", "14", "Divorced", "Sales, retail", "Unmarried",
                 "Black", "Female", "99999", "", "80", "Atlantis"])
    return header, body


def csv_text(rows):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


@pytest.fixture(scope="module")
def automl(tmp_path_factory):
    """model.kiln from `kiln automl adult.csv --target class --max-trials 6 --seed 0`, and what
    `kiln predict` gives for feature_rows(60)."""
    work = tmp_path_factory.mktemp("automl")
    out = work / "out"
    subprocess.run([str(kiln_binary()), "automl", str(ADULT), "--target", "class",
                    "--max-trials", "6", "--seed", "0", "--out", str(out)],
                   check=True, capture_output=True, text=True, timeout=600)
    header, body = feature_rows(60)
    data = work / "rows.csv"
    data.write_text(csv_text([header] + body))
    pred = work / "pred.csv"
    subprocess.run([str(kiln_binary()), "predict", str(out / "model.kiln"), str(data),
                    "--out", str(pred)], check=True, capture_output=True, text=True, timeout=120)
    with open(pred, newline="") as f:
        predicted = list(csv.DictReader(f))
    labels = [k[len("probability_"):] for k in predicted[0] if k.startswith("probability_")]
    return {"model": (out / "model.kiln").read_bytes(), "rows": body, "predicted": predicted,
            "labels": labels}


@pytest.fixture(scope="module")
def endpoint(server, automl):
    s3 = server.client("s3")
    sm = server.client("sagemaker")
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="adult/model.tar.gz",
                  Body=tar_gz({"model.kiln": automl["model"]}))
    sm.create_model(ModelName="adult-automl", ExecutionRoleArn=ROLE,
                    PrimaryContainer={"Image": IMAGE,
                                      "ModelDataUrl": f"s3://{BUCKET}/adult/model.tar.gz"})
    sm.create_endpoint_config(EndpointConfigName="adult-automl", ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": "adult-automl", "InitialInstanceCount": 1,
        "InstanceType": "ml.m5.large"}])
    sm.create_endpoint(EndpointName="adult-automl", EndpointConfigName="adult-automl")
    sm.get_waiter("endpoint_in_service").wait(EndpointName="adult-automl", WaiterConfig=FAST)
    return server.client("sagemaker-runtime")


def invoke(runtime, body, content_type="text/csv", accept=None):
    args = {"EndpointName": "adult-automl", "ContentType": content_type, "Body": body}
    if accept:
        args["Accept"] = accept
    return runtime.invoke_endpoint(**args)


def positive(automl):
    """kiln predict's probability of class 1 (the endpoint's score for a binary model)."""
    return [float(p["probability_" + automl["labels"][1]]) for p in automl["predicted"]]


def validation_error(runtime, body, content_type="text/csv"):
    with pytest.raises(ClientError) as e:
        invoke(runtime, body, content_type)
    assert e.value.response["Error"]["Code"] == "ValidationError"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return e.value.response["Error"]["Message"]


def test_csv_rows_of_strings_predict_what_kiln_predict_does(endpoint, automl):
    r = invoke(endpoint, csv_text(automl["rows"]))
    assert r["ContentType"] == "text/csv"
    got = [float(v) for v in r["Body"].read().decode().split()]
    assert len(got) == len(automl["rows"])
    assert np.allclose(got, positive(automl), rtol=0, atol=1e-6)


def test_json_and_jsonlines_rows_predict_the_same(endpoint, automl):
    rows = automl["rows"]
    # Numbers as JSON numbers, strings as strings, empty fields as null.
    def value(v):
        if v == "":
            return None
        try:
            return int(v)
        except ValueError:
            return v
    instances = [[value(v) for v in row] for row in rows]
    r = invoke(endpoint, json.dumps({"instances": [{"features": i} for i in instances]}),
               "application/json")
    predictions = json.loads(r["Body"].read())["predictions"]
    assert np.allclose([p["score"] for p in predictions], positive(automl), rtol=0, atol=1e-6)
    assert [p["predicted_label"] for p in predictions] == \
        [p["predicted_label"] for p in automl["predicted"]]
    r = invoke(endpoint, "\n".join(json.dumps(i) for i in instances), "application/jsonlines",
               accept="application/jsonlines")
    got = [json.loads(line)["score"] for line in r["Body"].read().decode().splitlines()]
    assert np.allclose(got, positive(automl), rtol=0, atol=1e-6)


def test_bad_rows_are_validation_errors(endpoint, automl):
    row = automl["rows"][0]
    message = validation_error(endpoint, ",".join(row[:-1]) + "\n")
    assert "line 1: 13 values, the model takes 14 features" in message
    bad = list(row)
    bad[0] = "forty-two"
    message = validation_error(endpoint, csv_text([row, bad]))
    assert 'line 2, column 1 ("age"): "forty-two" is not a number' in message
    message = validation_error(endpoint, json.dumps({"instances": [bad]}), "application/json")
    assert 'instance 1, feature 1 ("age"): "forty-two" is not a number' in message
    message = validation_error(endpoint, '51,"Private\n')
    assert "never closed" in message
    with pytest.raises(ClientError) as e:
        invoke(endpoint, b"")
    assert e.value.response["Error"]["Code"] == "ValidationError"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_the_endpoint_still_serves_after_bad_rows(endpoint, automl):
    r = invoke(endpoint, csv_text(automl["rows"][:3]))
    got = [float(v) for v in r["Body"].read().decode().split()]
    assert np.allclose(got, positive(automl)[:3], rtol=0, atol=1e-6)


def test_batch_transform_predicts_what_kiln_predict_does(server, endpoint, automl):
    """A transform job over the same rows (text/csv, SplitType Line, MultiRecord batches) writes
    kiln predict's scores, one line per row, in order."""
    s3 = server.client("s3")
    sm = server.client("sagemaker")
    s3.put_object(Bucket=BUCKET, Key="tx-in/rows.csv", Body=csv_text(automl["rows"]).encode())
    sm.create_transform_job(
        TransformJobName="adult-automl-tx", ModelName="adult-automl", BatchStrategy="MultiRecord",
        TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
                                                        "S3Uri": f"s3://{BUCKET}/tx-in/"}},
                        "ContentType": "text/csv", "SplitType": "Line"},
        TransformOutput={"S3OutputPath": f"s3://{BUCKET}/tx-out", "AssembleWith": "Line"},
        TransformResources={"InstanceType": "ml.m5.large", "InstanceCount": 1})
    sm.get_waiter("transform_job_completed_or_stopped").wait(TransformJobName="adult-automl-tx",
                                                             WaiterConfig=FAST)
    d = sm.describe_transform_job(TransformJobName="adult-automl-tx")
    assert d["TransformJobStatus"] == "Completed", d.get("FailureReason")
    out = s3.get_object(Bucket=BUCKET, Key="tx-out/rows.csv.out")["Body"].read().decode()
    got = [float(v) for v in out.split()]
    assert np.allclose(got, positive(automl), rtol=0, atol=1e-6)
