"""UPLOAD_TO=s3://bucket/prefix: S3-compatible object storage (Alibaba OSS, Tencent COS, Huawei OBS,
AWS …) at S3_ENDPOINT_URL, with boto3. Objects whose ETag equals the file's MD5 are left alone."""

import base64
import os
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from contextlib import contextmanager
from urllib.parse import urlsplit

import boto3
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError

from .files import (
    Kind,
    SiteFile,
    Summary,
    UploadError,
    cache_control,
    content_type,
    header_rules_digest,
    is_hidden,
    no_site_there,
)

# Uploads in flight at once: object stores answer each request slowly but in parallel.
PARALLEL_UPLOADS = 8
DELETE_BATCH = 1000  # the most objects one DeleteObjects request may name
# Beside the site, under the prefix: the digest of the header rules its objects were uploaded with.
RULES_KEY = ".upload-header-rules"


def parse_target(target: str) -> tuple[str, str]:
    """s3://bucket/some/prefix -> ("bucket", "some/prefix/"); s3://bucket -> ("bucket", "")."""
    parts = urlsplit(target)
    if not parts.netloc:
        raise UploadError(
            f"UPLOAD_TO={target} 没有写存储桶名：应为 s3://桶 或 s3://桶/文件夹。"
            f"UPLOAD_TO={target} names no bucket: write s3://bucket or s3://bucket/folder"
        )
    prefix = parts.path.strip("/")
    return parts.netloc, f"{prefix}/" if prefix else ""


def s3_client() -> BaseClient:
    endpoint = os.environ.get("S3_ENDPOINT_URL") or None
    # "virtual" (bucket.endpoint) is what OSS requires and COS and OBS accept; "path" (endpoint/bucket)
    # is for a store addressed by an IP address (MinIO, Ceph on the office network).
    style = os.environ.get("S3_ADDRESSING_STYLE") or "virtual"
    config = Config(
        s3={"addressing_style": style},
        # Checksums only where S3 requires them: the newer default (streamed CRC32 trailers) is
        # refused by several S3-compatible stores. Every upload carries its Content-MD5 anyway.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        retries={"max_attempts": 5, "mode": "standard"},
        max_pool_connections=PARALLEL_UPLOADS,
        connect_timeout=10,
        read_timeout=60,
    )
    region = os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION") or "us-east-1"
    try:
        return boto3.session.Session().client("s3", endpoint_url=endpoint, region_name=region, config=config)
    except ValueError as error:  # botocore's "Invalid endpoint"
        raise UploadError(
            f"S3_ENDPOINT_URL={endpoint} 不是有效的地址：应以 https:// 开头，例如 "
            "https://oss-cn-shanghai.aliyuncs.com，请核对（问技术维护人员要）。"
            f"S3_ENDPOINT_URL={endpoint}: {error}"
        ) from None


def s3_upload(
    files: list[SiteFile],
    target: str,
    dry_run: bool,
    report: Callable[[str], None],
    on_uploaded: Callable[[str], None],
) -> Summary:
    bucket, prefix = parse_target(target)
    client = s3_client()
    with explained(target, bucket):
        stored = stored_etags(client, bucket, prefix)
        wanted = {prefix + file.relative for file in files}
        obsolete = sorted(key for key in stored if key not in wanted and not is_hidden(key[len(prefix) :]))
        if obsolete and prefix + "index.html" not in stored:
            # Files are deleted only where a site is: a slip in UPLOAD_TO must not empty another place.
            raise UploadError(no_site_there(target, len(obsolete)))
        rules = header_rules_digest()
        same_rules = stored_rules(client, bucket, prefix) == rules
        if not same_rules and not dry_run and not any(not is_hidden(key[len(prefix) :]) for key in stored):
            # An empty place: everything is new, so the rules hold from the first object on (and an
            # interrupted first upload resumes like any other).
            record_rules(client, bucket, prefix, rules)
            same_rules = True
        # Under other header rules every object is sent again, to get the new ones.
        changed = [file for file in files if not same_rules or stored.get(prefix + file.relative) != file.md5]
        summary = Summary(unchanged=len(files) - len(changed))
        for kind in Kind:
            batch = [file for file in changed if file.kind is kind]
            if dry_run:
                report(f"{kind.label}: {len(batch)} to send")
                for file in batch:
                    report(f"  upload {file.relative}")
            else:
                put_all(client, bucket, prefix, batch, on_uploaded)
                report(f"{kind.label}: {len(batch)} sent")
            summary.uploaded += len(batch)
            summary.bytes += sum(file.size for file in batch)
        summary.deleted = len(obsolete)
        report(f"deletions: {len(obsolete)}{' to make' if dry_run else ''}")
        if dry_run:
            for key in obsolete:
                report(f"  delete {key[len(prefix) :]}")
            return summary
        for start in range(0, len(obsolete), DELETE_BATCH):
            delete(client, bucket, obsolete[start : start + DELETE_BATCH])
        if not same_rules:
            record_rules(client, bucket, prefix, rules)
    return summary


def stored_rules(client: BaseClient, bucket: str, prefix: str) -> str | None:
    try:
        return client.get_object(Bucket=bucket, Key=prefix + RULES_KEY)["Body"].read().decode()
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return None
        raise


def record_rules(client: BaseClient, bucket: str, prefix: str, rules: str) -> None:
    client.put_object(Bucket=bucket, Key=prefix + RULES_KEY, Body=rules.encode(), ContentType="text/plain")


def stored_etags(client: BaseClient, bucket: str, prefix: str) -> dict[str, str]:
    """Key -> ETag of every object under the prefix. A single-part upload's ETag is its MD5; an
    object uploaded in parts by another tool has another ETag and is simply uploaded again."""
    etags = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            etags[item["Key"]] = item["ETag"].strip('"').lower()
    return etags


def put_all(
    client: BaseClient, bucket: str, prefix: str, files: list[SiteFile], on_uploaded: Callable[[str], None]
) -> None:
    with ThreadPoolExecutor(PARALLEL_UPLOADS) as pool:
        pending = {pool.submit(put, client, bucket, prefix + file.relative, file): file for file in files}
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_EXCEPTION)
                for future in done:
                    future.result()
                    on_uploaded(pending.pop(future).relative)
        finally:
            # Ctrl-C or an error: what is not started yet never starts; what is in flight finishes
            # (an object appears whole or not at all), and the next run sends the rest.
            pool.shutdown(cancel_futures=True)


def put(client: BaseClient, bucket: str, key: str, file: SiteFile) -> None:
    body = file.path.read_bytes()
    md5 = base64.b64encode(bytes.fromhex(file.md5)).decode()
    client.put_object(
        Bucket=bucket,
        Key=key,
        Body=body,
        ContentMD5=md5,
        ContentType=content_type(file.relative),
        CacheControl=cache_control(file.relative),
    )


def delete(client: BaseClient, bucket: str, keys: list[str]) -> None:
    answer = client.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": key} for key in keys], "Quiet": True}
    )
    if answer.get("Errors"):
        first = answer["Errors"][0]
        raise UploadError(
            f"无法从存储桶 {bucket} 删除 {first['Key']}。"
            f"could not delete {first['Key']} from bucket {bucket}: {first.get('Message', first.get('Code'))}"
        )


@contextmanager
def explained(target: str, bucket: str) -> Iterator[None]:
    """Turns the storage's refusals into one line naming the setting to fix."""
    endpoint = os.environ.get("S3_ENDPOINT_URL") or "AWS S3 (S3_ENDPOINT_URL is not set)"
    try:
        yield
    except NoCredentialsError:
        raise UploadError(
            "没有存储的密钥：请在环境变量中设置 AWS_ACCESS_KEY_ID 和 AWS_SECRET_ACCESS_KEY。"
            "no storage credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment "
            "(or AWS_SHARED_CREDENTIALS_FILE, a file outside the repository)"
        ) from None
    except EndpointConnectionError:
        raise UploadError(
            f"连不上存储 S3_ENDPOINT_URL={endpoint}：请核对地址。"
            f"cannot reach the storage at S3_ENDPOINT_URL={endpoint}: check the address"
        ) from None
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        message = MESSAGES.get(code, GENERIC)
        raise UploadError(
            message.format(code=code, endpoint=endpoint, bucket=bucket, target=target)
        ) from None


MESSAGES = {
    "InvalidAccessKeyId": (
        "存储不认识这个密钥，请核对 AWS_ACCESS_KEY_ID。"
        "the storage at {endpoint} does not know this key: check AWS_ACCESS_KEY_ID"
    ),
    "SignatureDoesNotMatch": (
        "存储拒绝了这个密钥的密码，请核对 AWS_SECRET_ACCESS_KEY。"
        "the storage at {endpoint} refused the secret of this key: check AWS_SECRET_ACCESS_KEY"
    ),
    "AccessDenied": (
        "这个密钥无权写入存储桶 {bucket}，请让管理员授权或核对 UPLOAD_TO。"
        "AWS_ACCESS_KEY_ID may not write to bucket {bucket}: grant it list, put and delete there, "
        "or fix UPLOAD_TO={target}"
    ),
    "NoSuchBucket": (
        "存储上没有桶 {bucket}，请先建立它或核对 UPLOAD_TO、S3_ENDPOINT_URL。"
        "there is no bucket {bucket} at {endpoint}: create it, or fix UPLOAD_TO={target} / S3_ENDPOINT_URL"
    ),
}
GENERIC = "存储拒绝了上传。the storage at {endpoint} refused the upload to {target} ({code})"
