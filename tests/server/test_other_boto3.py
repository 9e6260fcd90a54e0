"""A newer boto3 (another python3 earlier on PATH, e.g. one that sends CRC32 checksums by
default) must pass the same flow as a plain script, when such an interpreter is present."""

import os
import shutil
import subprocess
import sys

import pytest

import kiln_server

SCRIPT = r'''
import io, os, sys, boto3
from botocore.exceptions import ClientError
url, ak, sk = sys.argv[1:4]
s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                  aws_access_key_id=ak, aws_secret_access_key=sk)
s3.create_bucket(Bucket="newer-boto3")
s3.put_object(Bucket="newer-boto3", Key="a.csv", Body=b"1,2,3\n4,5,6\n")
assert s3.get_object(Bucket="newer-boto3", Key="a.csv")["Body"].read() == b"1,2,3\n4,5,6\n"
data = os.urandom(12 * 1024 * 1024)
s3.upload_fileobj(io.BytesIO(data), "newer-boto3", "big.bin")
out = io.BytesIO()
s3.download_fileobj("newer-boto3", "big.bin", out)
assert out.getvalue() == data
s3.delete_objects(Bucket="newer-boto3", Delete={"Objects": [{"Key": "a.csv"}, {"Key": "big.bin"}]})
s3.delete_bucket(Bucket="newer-boto3")
print("ok", boto3.__version__)
'''


def other_python():
    for candidate in [shutil.which("python3")]:
        if candidate and os.path.realpath(candidate) != os.path.realpath(sys.executable):
            r = subprocess.run([candidate, "-c", "import boto3"], capture_output=True)
            if r.returncode == 0:
                return candidate
    return None


def test_newer_boto3_passes_the_same_flow(server):
    py = other_python()
    if py is None:
        pytest.skip("no other python3 with boto3 on PATH")
    r = subprocess.run([py, "-c", SCRIPT, server.url, kiln_server.ACCESS_KEY,
                        kiln_server.SECRET_KEY], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("ok")


SAGEMAKER_SCRIPT = r'''
import random, sys, time, boto3
url, ak, sk = sys.argv[1:4]
kw = dict(endpoint_url=url, region_name="us-east-1", aws_access_key_id=ak,
          aws_secret_access_key=sk)
s3, sm = boto3.client("s3", **kw), boto3.client("sagemaker", **kw)
rt = boto3.client("sagemaker-runtime", **kw)
rng = random.Random(0)
rows = []
for _ in range(400):
    x = [rng.random() for _ in range(3)]
    rows.append([1 if x[0] + x[1] > 1 else 0] + x)
s3.create_bucket(Bucket="newer-sm")
s3.put_object(Bucket="newer-sm", Key="train/data.csv",
              Body="\n".join(",".join(map(str, r)) for r in rows).encode())
image = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
sm.create_training_job(
    TrainingJobName="newer-boto3-job", RoleArn="arn:aws:iam::000000000000:role/Test",
    AlgorithmSpecification={"TrainingImage": image, "TrainingInputMode": "File"},
    InputDataConfig=[{"ChannelName": "train", "ContentType": "text/csv", "DataSource": {
        "S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://newer-sm/train/"}}}],
    OutputDataConfig={"S3OutputPath": "s3://newer-sm/output"},
    ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
    StoppingCondition={"MaxRuntimeInSeconds": 600},
    HyperParameters={"num_round": "10", "objective": "binary:logistic"})
sm.get_waiter("training_job_completed_or_stopped").wait(
    TrainingJobName="newer-boto3-job", WaiterConfig={"Delay": 1, "MaxAttempts": 120})
job = sm.describe_training_job(TrainingJobName="newer-boto3-job")
assert job["TrainingJobStatus"] == "Completed", job
sm.create_model(ModelName="newer-model", ExecutionRoleArn="arn:aws:iam::000000000000:role/Test",
                PrimaryContainer={"Image": image,
                                  "ModelDataUrl": job["ModelArtifacts"]["S3ModelArtifacts"]})
sm.create_endpoint_config(EndpointConfigName="newer-config", ProductionVariants=[{
    "VariantName": "AllTraffic", "ModelName": "newer-model", "InitialInstanceCount": 1,
    "InstanceType": "ml.m5.large"}])
sm.create_endpoint(EndpointName="newer-endpoint", EndpointConfigName="newer-config")
sm.get_waiter("endpoint_in_service").wait(EndpointName="newer-endpoint",
                                          WaiterConfig={"Delay": 1, "MaxAttempts": 60})
r = rt.invoke_endpoint(EndpointName="newer-endpoint", ContentType="text/csv",
                       Body="0.9,0.9,0.5\n0.1,0.1,0.5")
p = [float(v) for v in r["Body"].read().decode().split()]
assert len(p) == 2 and p[0] > 0.5 > p[1], p
sm.delete_endpoint(EndpointName="newer-endpoint")
sm.get_waiter("endpoint_deleted").wait(EndpointName="newer-endpoint",
                                       WaiterConfig={"Delay": 1, "MaxAttempts": 60})
print("ok", boto3.__version__)
'''


def test_newer_boto3_trains_deploys_and_invokes(server):
    py = other_python()
    if py is None:
        pytest.skip("no other python3 with boto3 on PATH")
    r = subprocess.run([py, "-c", SAGEMAKER_SCRIPT, server.url, kiln_server.ACCESS_KEY,
                        kiln_server.SECRET_KEY], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("ok")
