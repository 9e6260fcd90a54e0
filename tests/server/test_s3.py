"""S3 through Debian's boto3: buckets, objects, listing, multipart, ranges, errors."""

import hashlib
import io
import os

import pytest
from botocore.exceptions import ClientError


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def test_put_get_head_round_trip_keeps_bytes_and_metadata(s3, bucket):
    body = b"1,2,3\n4,5,6\n"
    put = s3.put_object(Bucket=bucket, Key="data/train.csv", Body=body, ContentType="text/csv",
                        Metadata={"source": "unit-test"})
    assert put["ETag"] == '"%s"' % hashlib.md5(body).hexdigest()
    got = s3.get_object(Bucket=bucket, Key="data/train.csv")
    assert got["Body"].read() == body
    assert got["ContentType"] == "text/csv"
    assert got["Metadata"] == {"source": "unit-test"}
    head = s3.head_object(Bucket=bucket, Key="data/train.csv")
    assert head["ContentLength"] == len(body)
    assert head["ETag"] == put["ETag"]


@pytest.mark.parametrize("key", ["dir a/ün ï code+x=y&z.csv", "a//b/../c/", "100%.txt", "~tilde"])
def test_keys_with_special_characters_round_trip(s3, bucket, key):
    s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == key.encode()
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert key in keys


def test_list_objects_v2_with_delimiter_prefix_and_pagination(s3, bucket):
    for k in ["a/1", "a/2", "a/b/3", "b/4", "c", "d+e f"]:
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    r = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    assert [o["Key"] for o in r["Contents"]] == ["c", "d+e f"]
    assert [p["Prefix"] for p in r["CommonPrefixes"]] == ["a/", "b/"]
    r = s3.list_objects_v2(Bucket=bucket, Prefix="a/", Delimiter="/")
    assert [o["Key"] for o in r["Contents"]] == ["a/1", "a/2"]
    assert [p["Prefix"] for p in r["CommonPrefixes"]] == ["a/b/"]
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket,
                                                         PaginationConfig={"PageSize": 2})
    keys = [o["Key"] for page in pages for o in page.get("Contents", [])]
    assert keys == ["a/1", "a/2", "a/b/3", "b/4", "c", "d+e f"]
    assert s3.list_objects_v2(Bucket=bucket, StartAfter="b/4")["KeyCount"] == 2
    v1 = s3.list_objects(Bucket=bucket, Prefix="a/")
    assert [o["Key"] for o in v1["Contents"]] == ["a/1", "a/2", "a/b/3"]


def test_multipart_upload_out_of_order_and_etag(s3, bucket):
    part1 = os.urandom(5 * 1024 * 1024)
    part2 = b"tail"
    up = s3.create_multipart_upload(Bucket=bucket, Key="mp.bin")["UploadId"]
    e2 = s3.upload_part(Bucket=bucket, Key="mp.bin", UploadId=up, PartNumber=2, Body=part2)["ETag"]
    e1 = s3.upload_part(Bucket=bucket, Key="mp.bin", UploadId=up, PartNumber=1, Body=part1)["ETag"]
    assert [p["PartNumber"] for p in
            s3.list_parts(Bucket=bucket, Key="mp.bin", UploadId=up)["Parts"]] == [1, 2]
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="mp.bin", UploadId=up,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]})
    md5s = hashlib.md5(part1).digest() + hashlib.md5(part2).digest()
    assert done["ETag"] == '"%s-2"' % hashlib.md5(md5s).hexdigest()
    assert s3.get_object(Bucket=bucket, Key="mp.bin")["Body"].read() == part1 + part2


def test_multipart_errors_use_s3_codes(s3, bucket):
    up = s3.create_multipart_upload(Bucket=bucket, Key="small.bin")["UploadId"]
    e1 = s3.upload_part(Bucket=bucket, Key="small.bin", UploadId=up, PartNumber=1,
                        Body=b"too small")["ETag"]
    e2 = s3.upload_part(Bucket=bucket, Key="small.bin", UploadId=up, PartNumber=2,
                        Body=b"last")["ETag"]
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(
            Bucket=bucket, Key="small.bin", UploadId=up,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1},
                                       {"PartNumber": 2, "ETag": e2}]})
    assert error_code(e) == "EntityTooSmall"
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(
            Bucket=bucket, Key="small.bin", UploadId=up,
            MultipartUpload={"Parts": [{"PartNumber": 2, "ETag": e2},
                                       {"PartNumber": 1, "ETag": e1}]})
    assert error_code(e) == "InvalidPartOrder"
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(
            Bucket=bucket, Key="small.bin", UploadId=up,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"0000"'}]})
    assert error_code(e) == "InvalidPart"
    s3.abort_multipart_upload(Bucket=bucket, Key="small.bin", UploadId=up)
    with pytest.raises(ClientError) as e:
        s3.upload_part(Bucket=bucket, Key="small.bin", UploadId=up, PartNumber=3, Body=b"x")
    assert error_code(e) == "NoSuchUpload"


def test_transfer_manager_upload_and_ranged_download(s3, bucket, tmp_path):
    data = os.urandom(20 * 1024 * 1024 + 123)
    src = tmp_path / "src.bin"
    src.write_bytes(data)
    s3.upload_file(str(src), bucket, "big/file.bin")
    assert s3.head_object(Bucket=bucket, Key="big/file.bin")["ETag"].endswith('-3"')
    dst = tmp_path / "dst.bin"
    s3.download_file(bucket, "big/file.bin", str(dst))
    assert dst.read_bytes() == data
    part = s3.get_object(Bucket=bucket, Key="big/file.bin", Range="bytes=100-199")
    assert part["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert part["ContentRange"] == f"bytes 100-199/{len(data)}"
    assert part["Body"].read() == data[100:200]
    tail = s3.get_object(Bucket=bucket, Key="big/file.bin", Range="bytes=-10")["Body"].read()
    assert tail == data[-10:]


def test_unsatisfiable_range_is_invalid_range(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"abc")
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="k", Range="bytes=10-20")
    assert error_code(e) == "InvalidRange"


def test_conditional_get(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"abc")["ETag"]
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="k", IfNoneMatch=etag)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 304
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="k", IfMatch='"nope"')
    assert error_code(e) == "PreconditionFailed"


def test_copy_and_delete_objects(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"payload", Metadata={"a": "1"})
    s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    assert s3.get_object(Bucket=bucket, Key="dst")["Metadata"] == {"a": "1"}
    r = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "src"}, {"Key": "dst"},
                                                             {"Key": "never-existed"}]})
    assert sorted(d["Key"] for d in r["Deleted"]) == ["dst", "never-existed", "src"]
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_bucket_errors(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket=bucket)
    assert error_code(e) == "BucketAlreadyOwnedByYou"
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket="Bad_Name")
    assert error_code(e) == "InvalidBucketName"
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as e:
        s3.delete_bucket(Bucket=bucket)
    assert error_code(e) == "BucketNotEmpty"
    with pytest.raises(ClientError) as e:
        s3.list_objects_v2(Bucket="no-such-bucket")
    assert error_code(e) == "NoSuchBucket"
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket="no-such-bucket", Key="k", Body=b"x")
    assert error_code(e) == "NoSuchBucket"
    with pytest.raises(ClientError) as e:
        s3.head_bucket(Bucket="no-such-bucket")
    assert error_code(e) == "404"
    s3.delete_object(Bucket=bucket, Key="k")
    s3.delete_bucket(Bucket=bucket)
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_missing_key_errors(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="missing")
    assert error_code(e) == "NoSuchKey"
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="missing")
    assert error_code(e) == "404"
    s3.delete_object(Bucket=bucket, Key="missing")  # idempotent, as on S3


def test_wrong_content_md5_is_bad_digest_and_stores_nothing(s3, bucket):
    import base64
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="k", Body=b"abc",
                      ContentMD5=base64.b64encode(hashlib.md5(b"xyz").digest()).decode())
    assert error_code(e) == "BadDigest"
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_unsupported_subresource_is_not_implemented(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.get_bucket_versioning(Bucket=bucket)
    assert error_code(e) == "NotImplemented"
