"""Application Auto Scaling through Debian's boto3 ("application-autoscaling" client) against a
real `kiln server`: scalable targets, target-tracking policies and their errors as AWS answers
them, records that survive a restart, and bounded real-load runs — capacity goes up within
seconds of a load step and back down after it, with zero failed requests; scale to zero, and the
first request after idle held until an instance serves."""

import io
import os
import tarfile
import threading
import time

import numpy as np
import pytest
import xgboost
from botocore.exceptions import ClientError

from sagemaker_flow import XGBOOST_IMAGE, ROLE

BUCKET = "autoscaling"
VARIANT = "AllTraffic"
DIMENSION = "sagemaker:variant:DesiredInstanceCount"
FAST = {"Delay": 1, "MaxAttempts": 120}
# The target (new capacity serves within 5 s of a load step) is measured by `make bench`
# (bench/autoscale_bench.py), not asserted here: a test asserts that scaling happens, bounded in
# time, and that no request fails.


def resource(endpoint):
    return f"endpoint/{endpoint}/variant/{VARIANT}"


def error_of(excinfo):
    err = excinfo.value.response["Error"]
    return err["Code"], err["Message"]


def model_tar_gz(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.random((200, 4), dtype=np.float32)
    y = (x[:, 0] + x[:, 1] > 1).astype(np.float32)
    booster = xgboost.train({"objective": "binary:logistic", "max_depth": 3},
                            xgboost.DMatrix(x, label=y), num_boost_round=10)
    path = tmp_path / "xgboost-model"
    booster.save_model(str(path))
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        tar.add(str(path), arcname="xgboost-model")
    return out.getvalue()


def deploy(server, name, artifact, instances=1):
    """Model, config and endpoint `name` serving `artifact`, InService."""
    s3, sm = server.client("s3"), server.client("sagemaker")
    try:
        s3.create_bucket(Bucket=BUCKET)
    except ClientError:
        pass  # already there
    s3.put_object(Bucket=BUCKET, Key=f"{name}/model.tar.gz", Body=artifact)
    sm.create_model(ModelName=name, ExecutionRoleArn=ROLE, PrimaryContainer={
        "Image": XGBOOST_IMAGE, "ModelDataUrl": f"s3://{BUCKET}/{name}/model.tar.gz"})
    sm.create_endpoint_config(EndpointConfigName=name, ProductionVariants=[{
        "VariantName": VARIANT, "ModelName": name, "InitialInstanceCount": instances,
        "InstanceType": "ml.m5.large"}])
    sm.create_endpoint(EndpointName=name, EndpointConfigName=name)
    sm.get_waiter("endpoint_in_service").wait(EndpointName=name, WaiterConfig=FAST)


def register(aas, endpoint, min_capacity, max_capacity):
    return aas.register_scalable_target(
        ServiceNamespace="sagemaker", ResourceId=resource(endpoint), ScalableDimension=DIMENSION,
        MinCapacity=min_capacity, MaxCapacity=max_capacity)


def target_tracking(aas, endpoint, metric, target, out_cooldown, in_cooldown, name="track"):
    return aas.put_scaling_policy(
        PolicyName=name, ServiceNamespace="sagemaker", ResourceId=resource(endpoint),
        ScalableDimension=DIMENSION, PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": target,
            "PredefinedMetricSpecification": {"PredefinedMetricType": metric},
            "ScaleOutCooldown": out_cooldown, "ScaleInCooldown": in_cooldown})


def instances(sm, endpoint):
    (v,) = sm.describe_endpoint(EndpointName=endpoint)["ProductionVariants"]
    return v["CurrentInstanceCount"], v["DesiredInstanceCount"]


def wait_for(predicate, timeout, interval=0.1):
    """Polls until predicate() is truthy; returns (value, seconds waited) or fails."""
    start = time.monotonic()
    while True:
        value = predicate()
        if value:
            return value, time.monotonic() - start
        if time.monotonic() - start > timeout:
            pytest.fail(f"not reached within {timeout} s")
        time.sleep(interval)


def activities(aas, endpoint):
    return aas.describe_scaling_activities(
        ServiceNamespace="sagemaker", ResourceId=resource(endpoint))["ScalingActivities"]


@pytest.fixture(scope="module")
def artifact(tmp_path_factory):
    return model_tar_gz(tmp_path_factory.mktemp("autoscaling-model"))


@pytest.fixture(scope="module")
def aas(server):
    return server.client("application-autoscaling")


@pytest.fixture(scope="module")
def sm(server):
    return server.client("sagemaker")


@pytest.fixture(scope="module")
def api_endpoint(server, artifact):
    deploy(server, "as-api", artifact)
    return "as-api"


def test_register_describe_update_deregister(aas, api_endpoint):
    # ScalableTargetARN is sent, but boto3 1.26's model predates it (newer clients show it).
    arn = register(aas, api_endpoint, 1, 3).get("ScalableTargetARN", "arn:aws:application-"
                                                "autoscaling:us-east-1:000000000000:scalable-target/")
    assert arn.startswith("arn:aws:application-autoscaling:us-east-1:000000000000:scalable-target/")
    (t,) = aas.describe_scalable_targets(ServiceNamespace="sagemaker",
                                         ResourceIds=[resource(api_endpoint)])["ScalableTargets"]
    assert (t["ResourceId"], t["ScalableDimension"]) == (resource(api_endpoint), DIMENSION)
    assert (t["MinCapacity"], t["MaxCapacity"]) == (1, 3)
    assert t["SuspendedState"] == {"DynamicScalingInSuspended": False,
                                   "DynamicScalingOutSuspended": False,
                                   "ScheduledScalingSuspended": False}
    assert t["CreationTime"].year >= 2024
    # Registering again updates what is given and keeps the rest.
    aas.register_scalable_target(ServiceNamespace="sagemaker", ResourceId=resource(api_endpoint),
                                 ScalableDimension=DIMENSION, MaxCapacity=5,
                                 SuspendedState={"DynamicScalingInSuspended": True})
    (t,) = aas.describe_scalable_targets(ServiceNamespace="sagemaker")["ScalableTargets"]
    assert (t["MinCapacity"], t["MaxCapacity"]) == (1, 5)
    assert t["SuspendedState"]["DynamicScalingInSuspended"] is True
    aas.deregister_scalable_target(ServiceNamespace="sagemaker",
                                   ResourceId=resource(api_endpoint), ScalableDimension=DIMENSION)
    assert aas.describe_scalable_targets(ServiceNamespace="sagemaker",
                                         ResourceIds=[resource(api_endpoint)])["ScalableTargets"] == []
    with pytest.raises(ClientError) as e:
        aas.deregister_scalable_target(ServiceNamespace="sagemaker",
                                       ResourceId=resource(api_endpoint),
                                       ScalableDimension=DIMENSION)
    assert error_of(e) == ("ObjectNotFoundException",
                           "No scalable target found for service namespace: sagemaker, resource "
                           f"ID: {resource(api_endpoint)}, scalable dimension: {DIMENSION}")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_register_errors_are_validation_exceptions(aas, api_endpoint):
    cases = [
        (dict(ResourceId=resource("no-such-endpoint"), MinCapacity=1, MaxCapacity=2),
         "no-such-endpoint"),
        (dict(ResourceId=f"endpoint/{api_endpoint}/variant/Nope", MinCapacity=1, MaxCapacity=2),
         "Nope"),
        (dict(ResourceId=f"endpoint/{api_endpoint}", MinCapacity=1, MaxCapacity=2),
         "has no /variant/ part"),
        (dict(ResourceId=resource(api_endpoint), MinCapacity=1),
         "MinCapacity and MaxCapacity are required"),
        (dict(ResourceId=resource(api_endpoint), MinCapacity=3, MaxCapacity=2),
         "MaxCapacity (2) must not be less than MinCapacity (3)"),
        (dict(ResourceId=resource(api_endpoint), MinCapacity=1, MaxCapacity=1000),
         "MaxCapacity 1000 is above"),
    ]
    for kwargs, words in cases:
        with pytest.raises(ClientError) as e:
            aas.register_scalable_target(ServiceNamespace="sagemaker",
                                         ScalableDimension=DIMENSION, **kwargs)
        code, message = error_of(e)
        assert code == "ValidationException", (kwargs, message)
        assert words in message, (kwargs, message)
    with pytest.raises(ClientError) as e:
        aas.register_scalable_target(ServiceNamespace="ecs", ResourceId="service/c/s",
                                     ScalableDimension="ecs:service:DesiredCount",
                                     MinCapacity=1, MaxCapacity=2)
    assert error_of(e)[0] == "ValidationException"
    assert "ServiceNamespace must be \"sagemaker\"" in error_of(e)[1]
    assert aas.describe_scalable_targets(ServiceNamespace="sagemaker",
                                         ResourceIds=[resource(api_endpoint)])["ScalableTargets"] == []


def test_policies_put_describe_update_delete(aas, api_endpoint):
    metric = "SageMakerVariantInvocationsPerInstance"
    with pytest.raises(ClientError) as e:
        target_tracking(aas, api_endpoint, metric, 70, 60, 60)
    assert error_of(e)[0] == "ObjectNotFoundException"
    assert "No scalable target registered" in error_of(e)[1]
    register(aas, api_endpoint, 1, 2)
    put = target_tracking(aas, api_endpoint, metric, 70, 60, 300)
    assert put["PolicyARN"].startswith(
        "arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:")
    assert put["PolicyARN"].endswith(f":resource/sagemaker/{resource(api_endpoint)}"
                                     ":policyName/track")
    assert put["Alarms"] == []
    again = target_tracking(aas, api_endpoint, metric, 35.5, 10, 20)
    assert again["PolicyARN"] == put["PolicyARN"]
    target_tracking(aas, api_endpoint, "SageMakerVariantConcurrentRequestsPerModelHighResolution",
                    2, 10, 20, name="concurrency")
    policies = aas.describe_scaling_policies(ServiceNamespace="sagemaker",
                                             ResourceId=resource(api_endpoint))["ScalingPolicies"]
    assert [p["PolicyName"] for p in policies] == ["concurrency", "track"]
    p = policies[1]
    assert p["PolicyType"] == "TargetTrackingScaling"
    assert p["TargetTrackingScalingPolicyConfiguration"] == {
        "TargetValue": 35.5, "PredefinedMetricSpecification": {"PredefinedMetricType": metric},
        "ScaleOutCooldown": 10, "ScaleInCooldown": 20, "DisableScaleIn": False}
    named = aas.describe_scaling_policies(ServiceNamespace="sagemaker", PolicyNames=["track"])
    assert [p["PolicyName"] for p in named["ScalingPolicies"]] == ["track"]
    page = aas.describe_scaling_policies(ServiceNamespace="sagemaker", MaxResults=1)
    assert len(page["ScalingPolicies"]) == 1 and page["NextToken"]
    rest = aas.describe_scaling_policies(ServiceNamespace="sagemaker", MaxResults=1,
                                         NextToken=page["NextToken"])
    assert rest["ScalingPolicies"][0]["PolicyName"] == "track"

    key = dict(ServiceNamespace="sagemaker", ResourceId=resource(api_endpoint),
               ScalableDimension=DIMENSION)
    aas.delete_scaling_policy(PolicyName="concurrency", **key)
    with pytest.raises(ClientError) as e:
        aas.delete_scaling_policy(PolicyName="concurrency", **key)
    assert error_of(e)[0] == "ObjectNotFoundException"
    aas.deregister_scalable_target(**key)  # takes its policies along
    assert aas.describe_scaling_policies(ServiceNamespace="sagemaker",
                                         ResourceId=resource(api_endpoint))["ScalingPolicies"] == []


def test_policies_kiln_does_not_run_are_refused_clearly(aas, api_endpoint):
    register(aas, api_endpoint, 1, 2)
    key = dict(PolicyName="p", ServiceNamespace="sagemaker", ResourceId=resource(api_endpoint),
               ScalableDimension=DIMENSION)
    refused = [
        (dict(PolicyType="StepScaling", StepScalingPolicyConfiguration={
            "AdjustmentType": "ChangeInCapacity",
            "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}]}),
         "Kiln runs only PolicyType TargetTrackingScaling"),
        (dict(PolicyType="TargetTrackingScaling", TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 5, "CustomizedMetricSpecification": {
                "MetricName": "m", "Namespace": "n", "Statistic": "Average"}}),
         "CustomizedMetricSpecification"),
        (dict(PolicyType="TargetTrackingScaling", TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 5, "PredefinedMetricSpecification": {
                "PredefinedMetricType": "ECSServiceAverageCPUUtilization"}}),
         "ECSServiceAverageCPUUtilization"),
        (dict(PolicyType="TargetTrackingScaling", TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 0, "PredefinedMetricSpecification": {
                "PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"}}),
         "TargetValue must be a positive number"),
        (dict(PolicyType="TargetTrackingScaling", TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 5, "ScaleInCooldown": -5, "PredefinedMetricSpecification": {
                "PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"}}),
         "ScaleInCooldown must be between 0 and 86400"),
    ]
    for kwargs, words in refused:
        with pytest.raises(ClientError) as e:
            aas.put_scaling_policy(**key, **kwargs)
        assert error_of(e)[0] == "ValidationException", kwargs
        assert words in error_of(e)[1], (kwargs, error_of(e))
    assert aas.describe_scaling_policies(ServiceNamespace="sagemaker",
                                         ResourceId=resource(api_endpoint))["ScalingPolicies"] == []
    aas.deregister_scalable_target(ServiceNamespace="sagemaker", ResourceId=resource(api_endpoint),
                                   ScalableDimension=DIMENSION)


def test_targets_and_policies_survive_a_restart(fresh_server, artifact):
    server = fresh_server.start()
    deploy(server, "as-restart", artifact)
    aas = server.client("application-autoscaling")
    register(aas, "as-restart", 1, 4)
    policy_arn = target_tracking(aas, "as-restart", "SageMakerVariantInvocationsPerInstance",
                                 100, 30, 600)["PolicyARN"]
    fresh_server.stop()
    server = fresh_server.start()
    aas = server.client("application-autoscaling")
    (t,) = aas.describe_scalable_targets(ServiceNamespace="sagemaker")["ScalableTargets"]
    assert (t["ResourceId"], t["MinCapacity"], t["MaxCapacity"]) == (resource("as-restart"), 1, 4)
    (p,) = aas.describe_scaling_policies(ServiceNamespace="sagemaker")["ScalingPolicies"]
    assert p["PolicyARN"] == policy_arn
    assert p["TargetTrackingScalingPolicyConfiguration"]["ScaleInCooldown"] == 600


class Load:
    """Threads that invoke an endpoint as fast as they can, each with its own boto3 client,
    counting successes and failures."""

    def __init__(self, server, endpoint, threads, interval=0.0):
        self.server, self.endpoint, self.threads = server, endpoint, threads
        self.interval = interval  # seconds between one thread's requests (0: back to back)
        self.ok = 0
        self.failures = []
        self.lock = threading.Lock()
        self.stop_event = threading.Event()
        self.workers = []

    def _run(self):
        rt = self.server.client("sagemaker-runtime")
        while not self.stop_event.is_set():
            try:
                rt.invoke_endpoint(EndpointName=self.endpoint, ContentType="text/csv",
                                   Body="0.1,0.2,0.3,0.4")
                with self.lock:
                    self.ok += 1
            except Exception as e:  # every failure is a test failure: keep it to report
                with self.lock:
                    self.failures.append(repr(e))
            if self.interval:
                time.sleep(self.interval)

    def start(self):
        for _ in range(self.threads):
            t = threading.Thread(target=self._run, daemon=True)
            t.start()
            self.workers.append(t)
        return self

    def stop(self):
        self.stop_event.set()
        for t in self.workers:
            t.join(timeout=60)


def test_real_load_scales_out_within_seconds_and_back_in_without_failures(server, sm, aas,
                                                                         artifact):
    name = "as-load"
    deploy(server, name, artifact)
    register(aas, name, 1, 3)
    # A low target (10 invocations per second per instance) so a few Python threads are a load.
    target_tracking(aas, name, "SageMakerVariantInvocationsPerInstance", 600, 5, 5)
    assert instances(sm, name) == (1, 1)
    light = Load(server, name, threads=1, interval=0.2)  # 5/s: one instance is enough
    heavy = Load(server, name, threads=4).start()
    step = time.monotonic()
    try:
        (current, _), waited = wait_for(lambda: instances(sm, name)[0] >= 2 and instances(sm, name),
                                        timeout=30)
        print(f"\nscale-out: new capacity serving {waited:.2f} s after the load step "
              f"({current} instances; load {os.getloadavg()[0]:.1f})")
        time.sleep(3)  # keep the load on the larger endpoint for a while
        light.start()
    finally:
        heavy.stop()
    print(f"heavy load: {heavy.ok} requests in {time.monotonic() - step:.1f} s, "
          f"{len(heavy.failures)} failed")
    try:
        # The light load goes on while the variant scales in under it.
        _, down_s = wait_for(lambda: instances(sm, name) == (1, 1), timeout=45, interval=0.5)
        print(f"scale-in: back to 1 instance {down_s:.1f} s after the heavy load stopped")
        time.sleep(1)
    finally:
        light.stop()
    print(f"light load: {light.ok} requests, {len(light.failures)} failed")
    assert heavy.failures == [] and light.failures == []
    assert heavy.ok > 0 and light.ok > 0

    acts = activities(aas, name)
    assert {a["StatusCode"] for a in acts} == {"Successful"}, acts
    ups = [a for a in acts if a["Description"] != "Setting desired instance count to 1."]
    downs = [a for a in acts if a["Description"] == "Setting desired instance count to 1."]
    assert ups and downs, acts
    assert downs[0]["StartTime"] > ups[-1]["StartTime"]  # newest first: the scale-in came last
    assert "SageMakerVariantInvocationsPerInstance" in ups[-1]["Cause"]
    assert all(a["EndTime"] >= a["StartTime"] for a in acts)
    assert sm.describe_endpoint(EndpointName=name)["EndpointStatus"] == "InService"


def test_update_endpoint_is_accepted_while_scaling_under_load(server, sm, aas, artifact):
    name = "as-update"
    deploy(server, name, artifact)
    register(aas, name, 1, 3)
    target_tracking(aas, name, "SageMakerVariantInvocationsPerInstance", 600, 0, 600)
    sm.create_endpoint_config(EndpointConfigName=f"{name}-v2", ProductionVariants=[{
        "VariantName": VARIANT, "ModelName": name, "InitialInstanceCount": 1,
        "InstanceType": "ml.m5.large"}])
    load = Load(server, name, threads=3).start()
    try:
        wait_for(lambda: instances(sm, name)[1] >= 2, timeout=30)
        sm.update_endpoint(EndpointName=name, EndpointConfigName=f"{name}-v2")  # not refused
        sm.get_waiter("endpoint_in_service").wait(EndpointName=name, WaiterConfig=FAST)
        assert sm.describe_endpoint(EndpointName=name)["EndpointConfigName"] == f"{name}-v2"
        wait_for(lambda: instances(sm, name)[0] >= 2, timeout=30)  # the load still scales it
    finally:
        load.stop()
    print(f"\nupdate under load: {load.ok} requests, {len(load.failures)} failed")
    assert load.failures == []
    aas.deregister_scalable_target(ServiceNamespace="sagemaker", ResourceId=resource(name),
                                   ScalableDimension=DIMENSION)


def test_scale_to_zero_and_the_first_request_after_idle_is_held(server, sm, aas, artifact):
    name = "as-zero"
    deploy(server, name, artifact)
    register(aas, name, 0, 2)
    target_tracking(aas, name, "SageMakerVariantConcurrentRequestsPerModelHighResolution", 2, 0,
                    3)
    _, idle_s = wait_for(lambda: instances(sm, name) == (0, 0), timeout=40, interval=0.5)
    print(f"\nscale to zero: {idle_s:.1f} s after the policy was put")
    assert sm.describe_endpoint(EndpointName=name)["EndpointStatus"] == "InService"
    rt = server.client("sagemaker-runtime")
    start = time.monotonic()
    r = rt.invoke_endpoint(EndpointName=name, ContentType="text/csv", Body="0.1,0.2,0.3,0.4")
    held_s = time.monotonic() - start
    print(f"first request after idle: answered after {held_s:.2f} s (held, not failed)")
    assert 0 <= float(r["Body"].read()) <= 1
    # The instance that started for it is recorded: DescribeEndpoint and the activities agree.
    wait_for(lambda: instances(sm, name) == (1, 1), timeout=15)
    acts = wait_for(lambda: [a for a in activities(aas, name) if a["StatusCode"] == "Successful"
                             and a["Description"] == "Setting desired instance count to 1."],
                    timeout=15)[0]
    assert "held" in acts[0]["Cause"] or "waiting" in acts[0]["Cause"], acts[0]
    descriptions = [a["Description"] for a in activities(aas, name)]
    assert descriptions[-1] == "Setting desired instance count to 0."
    assert all(a["StatusCode"] == "Successful" for a in activities(aas, name))
