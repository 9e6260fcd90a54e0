"""Helpers for the SageMaker tests: SageMaker-convention CSVs (label first, no header) from the
example datasets, uploads, model.tar.gz archives, and training requests as a notebook would write
them."""

import io
import pathlib
import tarfile

import pandas as pd

REPO = pathlib.Path(__file__).resolve().parents[2]
XGBOOST_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
ROLE = "arn:aws:iam::000000000000:role/KilnTestRole"


def tar_gz(files):
    """model.tar.gz holding {name: bytes}, written by Python's tarfile."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def label_first(name, target, rows=None):
    """The example dataset with the target moved first, as SageMaker's built-ins expect."""
    df = pd.read_csv(REPO / "examples" / "data" / f"{name}.csv")
    if rows:
        df = df.head(rows)
    return df[[target] + [c for c in df.columns if c != target]]


def to_csv_bytes(df):
    return df.to_csv(header=False, index=False).encode()


def upload_split(s3, bucket, prefix, df, validation_fraction=0.2):
    cut = int(len(df) * (1 - validation_fraction))
    s3.put_object(Bucket=bucket, Key=f"{prefix}/train/train.csv", Body=to_csv_bytes(df[:cut]))
    s3.put_object(Bucket=bucket, Key=f"{prefix}/validation/validation.csv",
                  Body=to_csv_bytes(df[cut:]))
    return df[:cut], df[cut:]


def training_request(name, bucket, prefix, hyperparameters, image=XGBOOST_IMAGE,
                     validation=True, max_runtime=3600):
    channels = [{
        "ChannelName": "train",
        "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
                                        "S3Uri": f"s3://{bucket}/{prefix}/train/",
                                        "S3DataDistributionType": "FullyReplicated"}},
        "ContentType": "text/csv",
    }]
    if validation:
        channels.append({
            "ChannelName": "validation",
            "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
                                            "S3Uri": f"s3://{bucket}/{prefix}/validation/",
                                            "S3DataDistributionType": "FullyReplicated"}},
            "ContentType": "text/csv",
        })
    return dict(
        TrainingJobName=name,
        AlgorithmSpecification={"TrainingImage": image, "TrainingInputMode": "File"},
        RoleArn=ROLE,
        InputDataConfig=channels,
        OutputDataConfig={"S3OutputPath": f"s3://{bucket}/{prefix}/output"},
        ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
        StoppingCondition={"MaxRuntimeInSeconds": max_runtime},
        HyperParameters={k: str(v) for k, v in hyperparameters.items()},
    )


def read_tar_member(body, member):
    with tarfile.open(fileobj=io.BytesIO(body), mode="r:gz") as tar:
        return tar.extractfile(member).read()
