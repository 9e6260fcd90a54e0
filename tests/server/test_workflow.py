"""The whole SageMaker workflow on a real dataset, as a notebook runs it, through Debian's boto3:
upload → train (built-in XGBoost) → deploy → invoke; then kill -9 and restart: every bucket,
object, job, model and endpoint is still there, and the endpoint serves again."""

import numpy as np
import pytest
import xgboost
from botocore.exceptions import WaiterError

from sagemaker_flow import XGBOOST_IMAGE, ROLE, label_first, training_request, upload_split

FAST = {"Delay": 1, "MaxAttempts": 300}


def invoke(server, rows):
    body = "\n".join(",".join(repr(float(v)) for v in row) for row in rows)
    r = server.client("sagemaker-runtime").invoke_endpoint(
        EndpointName="bank-endpoint", ContentType="text/csv", Accept="text/csv", Body=body)
    assert r["ContentType"].startswith("text/csv")
    return np.array([float(v) for v in r["Body"].read().decode().split()])


def test_upload_train_deploy_invoke_then_survive_kill_9(fresh_server):
    server = fresh_server.start()
    s3, sm = server.client("s3"), server.client("sagemaker")
    s3.create_bucket(Bucket="workflow")
    # bank-marketing's numeric columns, label (y == yes) first, as SageMaker's XGBoost expects.
    df = label_first("bank-marketing", "y")
    df["y"] = (df["y"] == "yes").astype(int)
    df = df[["y"] + [c for c in df.columns[1:] if df[c].dtype != object]]
    train, valid = upload_split(s3, "workflow", "bank", df)

    sm.create_training_job(**training_request(
        "bank-xgb", "workflow", "bank",
        {"num_round": 60, "max_depth": 4, "eta": 0.2, "objective": "binary:logistic",
         "eval_metric": "auc"}))
    sm.get_waiter("training_job_completed_or_stopped").wait(TrainingJobName="bank-xgb",
                                                            WaiterConfig=FAST)
    job = sm.describe_training_job(TrainingJobName="bank-xgb")
    assert job["TrainingJobStatus"] == "Completed", job.get("FailureReason")
    auc = {m["MetricName"]: m["Value"] for m in job["FinalMetricDataList"]}["validation:auc"]
    assert auc > 0.7  # numeric columns only, 1,600 training rows

    sm.create_model(ModelName="bank-model", ExecutionRoleArn=ROLE,
                    PrimaryContainer={"Image": XGBOOST_IMAGE,
                                      "ModelDataUrl": job["ModelArtifacts"]["S3ModelArtifacts"]})
    sm.create_endpoint_config(EndpointConfigName="bank-config", ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": "bank-model", "InitialInstanceCount": 1,
        "InstanceType": "ml.m5.large"}])
    sm.create_endpoint(EndpointName="bank-endpoint", EndpointConfigName="bank-config")
    sm.get_waiter("endpoint_in_service").wait(EndpointName="bank-endpoint", WaiterConfig=FAST)

    x = valid.iloc[:50, 1:].to_numpy(dtype=float)
    before = invoke(server, x)
    assert before.shape == (50,) and ((before >= 0) & (before <= 1)).all()

    server.kill()  # kill -9: no clean shutdown
    server.start()
    s3, sm = server.client("s3"), server.client("sagemaker")
    assert s3.get_object(Bucket="workflow", Key="bank/train/train.csv")["ContentLength"] > 0
    assert sm.describe_training_job(TrainingJobName="bank-xgb")["TrainingJobStatus"] == "Completed"
    assert [m["ModelName"] for m in sm.list_models()["Models"]] == ["bank-model"]
    try:
        sm.get_waiter("endpoint_in_service").wait(EndpointName="bank-endpoint", WaiterConfig=FAST)
    except WaiterError:
        pytest.fail(str(sm.describe_endpoint(EndpointName="bank-endpoint")))
    after = invoke(server, x)
    assert np.allclose(before, after, atol=1e-7)
