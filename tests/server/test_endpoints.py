"""SageMaker models, endpoint configs and endpoints through Debian's boto3: a model that Python's
xgboost trained (saved with booster.save_model, tarred with tarfile, as a notebook does) is
deployed with the image of SageMaker's XGBoost, boto3's waiters see it InService and then
deleted, and sagemaker-runtime's invoke_endpoint answers like xgboost itself. Updates, traffic
weights, errors in the runtime's own codes, failed deployments, a training job's artifact and
restarts."""

import io
import json
import pickle
import tarfile
import time

import numpy as np
import pytest
import xgboost
from botocore.exceptions import ClientError, WaiterError

from sagemaker_flow import XGBOOST_IMAGE, ROLE, label_first, tar_gz, training_request, upload_split

BUCKET = "sm-endpoints"
FAST = {"Delay": 1, "MaxAttempts": 120}


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def train_booster(rounds, seed=0, features=4):
    rng = np.random.default_rng(seed)
    x = rng.random((200, features), dtype=np.float32)
    y = (x[:, 0] + 0.5 * x[:, 1] - 0.3 * x[:, 2] > 0.6).astype(np.float32)
    booster = xgboost.train({"objective": "binary:logistic", "max_depth": 3, "seed": seed},
                            xgboost.DMatrix(x, label=y), num_boost_round=rounds)
    return booster, x


def saved_model(booster, tmp_path, file_name="xgboost-model"):
    """The bytes of booster.save_model(file_name): XGBoost's binary format for 'xgboost-model'
    in XGBoost 1.7, JSON for '*.json'."""
    path = tmp_path / file_name
    booster.save_model(str(path))
    return path.read_bytes()


def csv_rows(x):
    return "\n".join(",".join(repr(float(v)) for v in row) for row in x)


def scores(body):
    return [float(v) for v in body.decode().replace(",", "\n").split()]


@pytest.fixture(scope="module")
def sm(server):
    server.client("s3").create_bucket(Bucket=BUCKET)
    return server.client("sagemaker")


@pytest.fixture(scope="module")
def runtime(server):
    return server.client("sagemaker-runtime")


def deploy(server, sm, name, model_tar_gz, instances=1, wait=True):
    """Uploads the artifact and creates model, config and endpoint `name`."""
    key = f"{name}/model.tar.gz"
    server.client("s3").put_object(Bucket=BUCKET, Key=key, Body=model_tar_gz)
    sm.create_model(ModelName=name, ExecutionRoleArn=ROLE,
                    PrimaryContainer={"Image": XGBOOST_IMAGE,
                                      "ModelDataUrl": f"s3://{BUCKET}/{key}"})
    sm.create_endpoint_config(EndpointConfigName=name, ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": name, "InitialInstanceCount": instances,
        "InstanceType": "ml.m5.large"}])
    sm.create_endpoint(EndpointName=name, EndpointConfigName=name)
    if wait:
        sm.get_waiter("endpoint_in_service").wait(EndpointName=name, WaiterConfig=FAST)


@pytest.fixture(scope="module")
def xgb(server, sm, tmp_path_factory):
    """An InService endpoint "xgb" serving a model Python's xgboost trained and saved."""
    booster, x = train_booster(rounds=8)
    deploy(server, sm, "xgb",
           tar_gz({"xgboost-model": saved_model(booster, tmp_path_factory.mktemp("xgb"))}))
    return booster, x


def test_endpoint_in_service_describes_like_sagemaker(sm, xgb):
    d = sm.describe_endpoint(EndpointName="xgb")
    assert d["EndpointStatus"] == "InService"
    assert d["EndpointArn"] == "arn:aws:sagemaker:us-east-1:000000000000:endpoint/xgb"
    assert d["EndpointConfigName"] == "xgb"
    assert d["CreationTime"] <= d["LastModifiedTime"]
    (v,) = d["ProductionVariants"]
    assert v["VariantName"] == "AllTraffic"
    assert v["CurrentInstanceCount"] == v["DesiredInstanceCount"] == 1
    assert v["CurrentWeight"] == v["DesiredWeight"] == 1.0
    assert v["DeployedImages"][0]["SpecifiedImage"] == XGBOOST_IMAGE
    m = sm.describe_model(ModelName="xgb")
    assert m["PrimaryContainer"]["ModelDataUrl"] == f"s3://{BUCKET}/xgb/model.tar.gz"
    assert m["ExecutionRoleArn"] == ROLE
    c = sm.describe_endpoint_config(EndpointConfigName="xgb")
    assert c["ProductionVariants"][0]["InitialInstanceCount"] == 1
    names = [e["EndpointName"] for e in sm.list_endpoints(NameContains="XGB")["Endpoints"]]
    assert "xgb" in names


def test_csv_invocation_matches_xgboost(runtime, xgb):
    booster, x = xgb
    r = runtime.invoke_endpoint(EndpointName="xgb", ContentType="text/csv", Body=csv_rows(x))
    assert r["ContentType"] == "text/csv"
    assert r["InvokedProductionVariant"] == "AllTraffic"
    got = scores(r["Body"].read())
    want = booster.predict(xgboost.DMatrix(x))
    assert np.allclose(got, want, atol=1e-6)


def test_json_and_jsonlines_invocations_match_xgboost(runtime, xgb):
    booster, x = xgb
    want = booster.predict(xgboost.DMatrix(x[:20]))
    body = json.dumps({"instances": [{"features": [float(v) for v in row]} for row in x[:20]]})
    r = runtime.invoke_endpoint(EndpointName="xgb", ContentType="application/json", Body=body)
    assert r["ContentType"] == "application/json"
    got = [p["score"] for p in json.loads(r["Body"].read())["predictions"]]
    assert np.allclose(got, want, atol=1e-6)
    lines = "\n".join(json.dumps([float(v) for v in row]) for row in x[:20])
    r = runtime.invoke_endpoint(EndpointName="xgb", ContentType="application/jsonlines",
                                Accept="application/jsonlines", Body=lines)
    got = [json.loads(line)["score"] for line in r["Body"].read().decode().splitlines()]
    assert np.allclose(got, want, atol=1e-6)
    r = runtime.invoke_endpoint(EndpointName="xgb", ContentType="text/csv",
                                Accept="application/json", Body=csv_rows(x[:3]))
    assert len(json.loads(r["Body"].read())["predictions"]) == 3


def test_runtime_errors_use_the_runtimes_codes(runtime, xgb):
    with pytest.raises(ClientError) as e:
        runtime.invoke_endpoint(EndpointName="no-such-endpoint", ContentType="text/csv",
                                Body="1,2,3,4")
    assert error_code(e) == "ValidationError"
    assert e.value.response["Error"]["Message"] == \
        "Endpoint no-such-endpoint of account 000000000000 not found."
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400

    with pytest.raises(ClientError) as e:
        runtime.invoke_endpoint(EndpointName="xgb", ContentType="text/csv", Body="1,2,3\n")
    assert error_code(e) == "ValidationError"
    assert "line 1: 3 values, the model takes 4 features" in e.value.response["Error"]["Message"]

    with pytest.raises(ClientError) as e:
        runtime.invoke_endpoint(EndpointName="xgb", ContentType="text/csv",
                                Body=("0.5," * 3 + "0.5\n") * 500_000)  # ~8 MB
    assert error_code(e) == "ValidationError"

    with pytest.raises(ClientError) as e:
        runtime.invoke_endpoint(EndpointName="xgb", ContentType="text/csv", Body="1,2,3,4",
                                TargetVariant="NoSuchVariant")
    assert error_code(e) == "ValidationError"

    with pytest.raises(ClientError) as e:
        runtime.invoke_endpoint(EndpointName="xgb", ContentType="application/x-npy", Body=b"x")
    assert error_code(e) == "ModelError"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 424
    assert e.value.response["OriginalStatusCode"] == 415


def test_target_variant_pins_a_variant(runtime, xgb):
    r = runtime.invoke_endpoint(EndpointName="xgb", ContentType="text/csv", Body="1,2,3,4",
                                TargetVariant="AllTraffic")
    assert r["InvokedProductionVariant"] == "AllTraffic"


def test_duplicates_and_unknowns_are_validation_exceptions(sm, xgb):
    with pytest.raises(ClientError) as e:
        sm.create_endpoint(EndpointName="xgb", EndpointConfigName="xgb")
    assert error_code(e) == "ValidationException"
    assert "Cannot create already existing endpoint" in e.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as e:
        sm.describe_endpoint(EndpointName="never-created")
    assert error_code(e) == "ValidationException"
    with pytest.raises(ClientError) as e:
        sm.describe_model(ModelName="never-created")
    assert error_code(e) == "ValidationException"
    with pytest.raises(ClientError) as e:
        sm.create_model(ModelName="no-data", ExecutionRoleArn=ROLE, PrimaryContainer={
            "Image": XGBOOST_IMAGE, "ModelDataUrl": f"s3://{BUCKET}/absent/model.tar.gz"})
    assert error_code(e) == "ValidationException"
    assert f"s3://{BUCKET}/absent/model.tar.gz" in e.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as e:
        sm.create_model(ModelName="byo", ExecutionRoleArn=ROLE, PrimaryContainer={
            "Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-image:latest",
            "ModelDataUrl": f"s3://{BUCKET}/xgb/model.tar.gz"})
    assert error_code(e) == "ValidationException"


def test_update_endpoint_switches_models_and_delete_waits_it_away(server, sm, runtime, tmp_path):
    first, x = train_booster(rounds=10, seed=1)
    second, _ = train_booster(rounds=2, seed=2)
    deploy(server, sm, "upd", tar_gz({"xgboost-model": saved_model(first, tmp_path)}))
    row = csv_rows(x[:1])
    want_first = float(first.predict(xgboost.DMatrix(x[:1]))[0])
    want_second = float(second.predict(xgboost.DMatrix(x[:1]))[0])
    assert abs(want_first - want_second) > 1e-3
    r = runtime.invoke_endpoint(EndpointName="upd", ContentType="text/csv", Body=row)
    assert scores(r["Body"].read())[0] == pytest.approx(want_first, abs=1e-6)

    json_model = saved_model(second, tmp_path, "second.json")
    server.client("s3").put_object(Bucket=BUCKET, Key="upd2/model.tar.gz",
                                   Body=tar_gz({"xgboost-model": json_model}))
    sm.create_model(ModelName="upd2", ExecutionRoleArn=ROLE, PrimaryContainer={
        "Image": XGBOOST_IMAGE, "ModelDataUrl": f"s3://{BUCKET}/upd2/model.tar.gz"})
    sm.create_endpoint_config(EndpointConfigName="upd2", ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": "upd2", "InitialInstanceCount": 1,
        "InstanceType": "ml.m5.large"}])
    sm.update_endpoint(EndpointName="upd", EndpointConfigName="upd2")
    for _ in range(50):  # invocations keep working while the update rolls out
        runtime.invoke_endpoint(EndpointName="upd", ContentType="text/csv", Body=row)
    sm.get_waiter("endpoint_in_service").wait(EndpointName="upd", WaiterConfig=FAST)
    d = sm.describe_endpoint(EndpointName="upd")
    assert d["EndpointConfigName"] == "upd2"
    assert "FailureReason" not in d
    r = runtime.invoke_endpoint(EndpointName="upd", ContentType="text/csv", Body=row)
    assert scores(r["Body"].read())[0] == pytest.approx(want_second, abs=1e-6)

    sm.delete_endpoint(EndpointName="upd")
    sm.get_waiter("endpoint_deleted").wait(EndpointName="upd", WaiterConfig=FAST)
    with pytest.raises(ClientError) as e:
        sm.describe_endpoint(EndpointName="upd")
    assert error_code(e) == "ValidationException"
    with pytest.raises(ClientError) as e:
        runtime.invoke_endpoint(EndpointName="upd", ContentType="text/csv", Body=row)
    assert error_code(e) == "ValidationError"
    sm.delete_endpoint_config(EndpointConfigName="upd2")
    sm.delete_model(ModelName="upd2")


def test_weights_and_capacities_split_traffic(server, sm, runtime, tmp_path):
    a, x = train_booster(rounds=3, seed=3)
    b, _ = train_booster(rounds=4, seed=4)
    s3 = server.client("s3")
    for name, booster in [("wa", a), ("wb", b)]:
        s3.put_object(Bucket=BUCKET, Key=f"{name}/model.tar.gz",
                      Body=tar_gz({"xgboost-model": saved_model(booster, tmp_path, name)}))
        sm.create_model(ModelName=name, ExecutionRoleArn=ROLE, PrimaryContainer={
            "Image": XGBOOST_IMAGE, "ModelDataUrl": f"s3://{BUCKET}/{name}/model.tar.gz"})
    sm.create_endpoint_config(EndpointConfigName="ab", ProductionVariants=[
        {"VariantName": "A", "ModelName": "wa", "InitialInstanceCount": 1,
         "InstanceType": "ml.m5.large", "InitialVariantWeight": 3},
        {"VariantName": "B", "ModelName": "wb", "InitialInstanceCount": 1,
         "InstanceType": "ml.m5.large", "InitialVariantWeight": 1}])
    sm.create_endpoint(EndpointName="ab", EndpointConfigName="ab")
    sm.get_waiter("endpoint_in_service").wait(EndpointName="ab", WaiterConfig=FAST)
    hits = {"A": 0, "B": 0}
    for _ in range(200):
        r = runtime.invoke_endpoint(EndpointName="ab", ContentType="text/csv", Body="1,2,3,4")
        hits[r["InvokedProductionVariant"]] += 1
    assert 110 < hits["A"] < 185 and hits["A"] + hits["B"] == 200

    sm.update_endpoint_weights_and_capacities(EndpointName="ab", DesiredWeightsAndCapacities=[
        {"VariantName": "A", "DesiredWeight": 0}, {"VariantName": "B", "DesiredInstanceCount": 2}])
    sm.get_waiter("endpoint_in_service").wait(EndpointName="ab", WaiterConfig=FAST)
    # Weights change at once; B's second instance loads in the background (Kiln scales live).
    for _ in range(300):
        variants = {v["VariantName"]: v for v in
                    sm.describe_endpoint(EndpointName="ab")["ProductionVariants"]}
        if variants["B"]["CurrentInstanceCount"] == 2:
            break
        time.sleep(0.1)
    assert variants["A"]["CurrentWeight"] == 0
    assert variants["B"]["CurrentInstanceCount"] == variants["B"]["DesiredInstanceCount"] == 2
    for _ in range(20):
        r = runtime.invoke_endpoint(EndpointName="ab", ContentType="text/csv", Body="1,2,3,4")
        assert r["InvokedProductionVariant"] == "B"


def test_a_corrupt_artifact_fails_the_endpoint_with_a_reason(server, sm):
    deploy(server, sm, "corrupt", b"\x1f\x8b this is not a tarball", wait=False)
    with pytest.raises(WaiterError):
        sm.get_waiter("endpoint_in_service").wait(EndpointName="corrupt", WaiterConfig=FAST)
    d = sm.describe_endpoint(EndpointName="corrupt")
    assert d["EndpointStatus"] == "Failed"
    assert "model.tar.gz" in d["FailureReason"]
    sm.delete_endpoint(EndpointName="corrupt")
    sm.get_waiter("endpoint_deleted").wait(EndpointName="corrupt", WaiterConfig=FAST)


def test_a_pickled_booster_fails_with_how_to_resave_it(server, sm):
    booster, _ = train_booster(rounds=2)
    deploy(server, sm, "pickled", tar_gz({"xgboost-model": pickle.dumps(booster)}), wait=False)
    with pytest.raises(WaiterError):
        sm.get_waiter("endpoint_in_service").wait(EndpointName="pickled", WaiterConfig=FAST)
    reason = sm.describe_endpoint(EndpointName="pickled")["FailureReason"]
    assert "pickle" in reason and "save_model" in reason


def test_a_training_jobs_artifact_deploys(server, sm, runtime):
    s3 = server.client("s3")
    df = label_first("wine_quality", "quality", rows=600)
    train, valid = upload_split(s3, BUCKET, "wine", df)
    sm.create_training_job(**training_request(
        "wine-for-endpoint", BUCKET, "wine",
        {"num_round": 10, "max_depth": 3, "objective": "reg:squarederror"}))
    sm.get_waiter("training_job_completed_or_stopped").wait(
        TrainingJobName="wine-for-endpoint", WaiterConfig={"Delay": 1, "MaxAttempts": 300})
    job = sm.describe_training_job(TrainingJobName="wine-for-endpoint")
    assert job["TrainingJobStatus"] == "Completed", job.get("FailureReason")
    sm.create_model(ModelName="wine", ExecutionRoleArn=ROLE, PrimaryContainer={
        "Image": XGBOOST_IMAGE, "ModelDataUrl": job["ModelArtifacts"]["S3ModelArtifacts"]})
    sm.create_endpoint_config(EndpointConfigName="wine", ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": "wine", "InitialInstanceCount": 1,
        "InstanceType": "ml.m5.large"}])
    sm.create_endpoint(EndpointName="wine", EndpointConfigName="wine")
    sm.get_waiter("endpoint_in_service").wait(EndpointName="wine", WaiterConfig=FAST)
    features = valid.iloc[:5, 1:]
    body = features.to_csv(header=False, index=False)
    r = runtime.invoke_endpoint(EndpointName="wine", ContentType="text/csv", Body=body)
    got = scores(r["Body"].read())
    assert len(got) == 5
    artifact = s3.get_object(Bucket=BUCKET,
                             Key="wine/output/wine-for-endpoint/output/model.tar.gz")["Body"]
    with tarfile.open(fileobj=io.BytesIO(artifact.read()), mode="r:gz") as tar:
        model = bytearray(tar.extractfile("xgboost-model").read())
    booster = xgboost.Booster()
    booster.load_model(model)
    want = booster.predict(xgboost.DMatrix(features.to_numpy(dtype=np.float32)))
    assert np.allclose(got, want, atol=1e-5)


def test_a_restart_reloads_the_endpoint(fresh_server, tmp_path):
    server = fresh_server.start()
    sm = server.client("sagemaker")
    server.client("s3").create_bucket(Bucket=BUCKET)
    booster, x = train_booster(rounds=5, seed=5)
    deploy(server, sm, "kept", tar_gz({"xgboost-model": saved_model(booster, tmp_path)}))
    server.stop()
    server.start()
    sm = server.client("sagemaker")
    sm.get_waiter("endpoint_in_service").wait(EndpointName="kept", WaiterConfig=FAST)
    r = server.client("sagemaker-runtime").invoke_endpoint(
        EndpointName="kept", ContentType="text/csv", Body=csv_rows(x[:10]))
    assert np.allclose(scores(r["Body"].read()), booster.predict(xgboost.DMatrix(x[:10])),
                       atol=1e-6)
