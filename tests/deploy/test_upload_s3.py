"""`make upload` to S3-compatible storage: moto's S3 server, started on a loopback port with real
key checking (an IAM user whose key may write to one bucket)."""

import hashlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
from published_site import CHANGED_PAGE, tree
from sitebuild import REPO
from upload import UploadError, upload
from upload.files import Kind, kind_of

BUCKET = "shzz-site"
MOTO_SERVER = Path(sys.executable).with_name("moto_server")
# moto checks keys after this many unchecked requests: the set-up below (user, key, policy, bucket).
SETUP_REQUESTS = 4
POLICY = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}'


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def storage(tmp_path_factory):
    """The endpoint and a key allowed to write to BUCKET; the server stops after the module."""
    port = free_port()
    log = (tmp_path_factory.mktemp("moto") / "server.log").open("w")
    server = subprocess.Popen(
        [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": str(SETUP_REQUESTS)},
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        setup = {"endpoint_url": endpoint, "region_name": "us-east-1"}
        iam = boto3.client("iam", aws_access_key_id="setup", aws_secret_access_key="setup", **setup)
        iam.create_user(UserName="deployer")
        key = iam.create_access_key(UserName="deployer")["AccessKey"]
        iam.put_user_policy(UserName="deployer", PolicyName="site", PolicyDocument=POLICY)
        credentials = {
            "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
        }
        client = boto3.client(
            "s3",
            aws_access_key_id=key["AccessKeyId"],
            aws_secret_access_key=key["SecretAccessKey"],
            **setup,
        )
        client.create_bucket(Bucket=BUCKET)
        yield {"S3_ENDPOINT_URL": endpoint, "S3_ADDRESSING_STYLE": "path", **credentials}, client
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.fixture
def s3(storage, monkeypatch):
    """The environment `make upload` reads, and a client to look at the bucket."""
    settings, client = storage
    for name in ("AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    return client


def quiet(line: str) -> None:
    pass


def stored(client, prefix: str) -> dict[str, str]:
    """The site's objects under prefix/ (the uploader's own dot file aside): relative key -> ETag."""
    etags = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix + "/"):
        for item in page.get("Contents", []):
            etags[item["Key"][len(prefix) + 1 :]] = item["ETag"].strip('"')
    return {name: etag for name, etag in etags.items() if not name.startswith(".")}


def same_as(client, prefix: str, folder: Path) -> bool:
    local = {name: hashlib.md5(data).hexdigest() for name, data in tree(folder).items()}
    return stored(client, prefix) == local


@pytest.fixture(scope="module")
def first_upload(storage, published):
    """v1 uploaded to s3://BUCKET/site: its summary and the order files went up in. Tests that
    upload something else there put v1 back."""
    settings, _ = storage
    v1, _ = published
    order = []
    with pytest.MonkeyPatch.context() as environment:
        for name, value in settings.items():
            environment.setenv(name, value)
        summary = upload(v1, f"s3://{BUCKET}/site", report=quiet, on_uploaded=order.append)
    return summary, order


def test_first_upload_stores_every_file_with_its_type_and_cache_lifetime(s3, published, first_upload):
    v1, _ = published
    summary, order = first_upload
    assert same_as(s3, "site", v1)
    assert summary.uploaded == len(tree(v1)) and summary.unchanged == summary.deleted == 0
    kinds = [kind_of(name) for name in order]
    assert kinds == sorted(kinds) and set(kinds) == set(Kind), "assets, then pages, then feeds"
    chunk = next(name for name in stored(s3, "site") if name.startswith("search-index/b-"))
    photo = next(name for name in stored(s3, "site") if name.startswith("images/submissions/"))
    revalidate = "public, max-age=300, must-revalidate"
    immutable = "public, max-age=31536000, immutable"
    expected = {
        "index.html": ("text/html; charset=utf-8", revalidate),
        CHANGED_PAGE: ("text/html; charset=utf-8", revalidate),
        "feeds/all.rss.xml": ("application/rss+xml; charset=utf-8", revalidate),
        "feeds/all.atom.xml": ("application/atom+xml; charset=utf-8", revalidate),
        "feeds/app.json": ("application/feed+json; charset=utf-8", revalidate),
        "feeds/feeds.opml": ("text/x-opml; charset=utf-8", revalidate),
        "sitemap.xml": ("application/xml; charset=utf-8", revalidate),
        "theme/css/main.css": ("text/css; charset=utf-8", "public, max-age=3600"),
        "theme/js/elder-mode.js": ("text/javascript; charset=utf-8", "public, max-age=3600"),
        "search-index/index.json": ("application/json; charset=utf-8", revalidate),
        chunk: ("application/octet-stream", immutable),
        photo: ("image/jpeg", immutable),
    }
    for name, (content_type, cache_control) in expected.items():
        head = s3.head_object(Bucket=BUCKET, Key=f"site/{name}")
        assert (head["ContentType"], head["CacheControl"]) == (content_type, cache_control), name


def test_second_upload_sends_nothing(s3, published, first_upload):
    v1, _ = published
    lines = []
    summary = upload(v1, f"s3://{BUCKET}/site", report=lines.append)
    assert (summary.uploaded, summary.deleted, summary.bytes) == (0, 0, 0)
    assert summary.unchanged == len(tree(v1))
    assert lines == ["assets: 0 sent", "pages: 0 sent", "feeds: 0 sent", "deletions: 0"]


def test_one_story_changed_sends_only_what_changed_and_deletes_the_obsolete(s3, published, first_upload):
    v1, v2 = published
    before, after = tree(v1), tree(v2)
    changed = {name for name, data in after.items() if before.get(name) != data}
    obsolete = set(before) - set(after)
    lines, sent = [], []
    dry = upload(v2, f"s3://{BUCKET}/site", dry_run=True, report=lines.append)
    assert same_as(s3, "site", v1), "a dry run changes nothing"
    assert f"  upload {CHANGED_PAGE}" in lines and (dry.uploaded, dry.deleted) == (
        len(changed),
        len(obsolete),
    )
    summary = upload(v2, f"s3://{BUCKET}/site", report=quiet, on_uploaded=sent.append)
    assert set(sent) == changed and CHANGED_PAGE in changed and len(changed) < len(after) / 4
    assert summary.deleted == len(obsolete) > 0
    assert same_as(s3, "site", v2)
    upload(v1, f"s3://{BUCKET}/site", report=quiet)


def test_an_interrupted_upload_completes_when_run_again(s3, published):
    v1, _ = published
    sent = []

    def stop_after_twenty(name: str) -> None:
        sent.append(name)
        if len(sent) == 20:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        upload(v1, f"s3://{BUCKET}/cut", report=quiet, on_uploaded=stop_after_twenty)
    partial = stored(s3, "cut")
    assert 20 <= len(partial) < len(tree(v1))
    summary = upload(v1, f"s3://{BUCKET}/cut", report=quiet)
    assert same_as(s3, "cut", v1)
    assert summary.unchanged == len(partial), "what arrived before the interruption is not sent again"


def test_new_header_rules_reach_every_object_once(s3, tmp_path, monkeypatch):
    from upload import files

    site = tmp_path / "public"
    (site / "theme").mkdir(parents=True)
    (site / "index.html").write_text("<!DOCTYPE html><title>首页</title>", encoding="utf-8")
    (site / "theme" / "main.css").write_text("body { margin: 0 }")
    upload(site, f"s3://{BUCKET}/rules", report=quiet)
    monkeypatch.setattr(files, "ASSET", "public, max-age=600")
    resent = upload(site, f"s3://{BUCKET}/rules", report=quiet)
    assert resent.uploaded == 2, "the stored objects would keep the old headers otherwise"
    assert s3.head_object(Bucket=BUCKET, Key="rules/theme/main.css")["CacheControl"] == "public, max-age=600"
    assert upload(site, f"s3://{BUCKET}/rules", report=quiet).uploaded == 0


def run_cli(v1: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "upload", str(v1)],
        cwd=REPO / "tools",
        capture_output=True,
        text=True,
        # As `make upload` runs it: the upload rules ask plugins/search where the index is.
        env={**os.environ, "UPLOAD_TO": f"s3://{BUCKET}/site", "PYTHONPATH": str(REPO / "plugins"), **env},
        timeout=120,
    )


def test_a_wrong_secret_or_key_is_one_line_naming_the_setting(s3, published):
    v1, _ = published
    wrong_secret = run_cli(v1, AWS_SECRET_ACCESS_KEY="not-the-secret")
    assert wrong_secret.returncode == 2
    assert wrong_secret.stderr.splitlines() == [
        "错误：存储拒绝了这个密钥的密码，请核对 AWS_SECRET_ACCESS_KEY。"
        f"the storage at {os.environ['S3_ENDPOINT_URL']} refused the secret of this key: "
        "check AWS_SECRET_ACCESS_KEY"
    ]
    wrong_key = run_cli(v1, AWS_ACCESS_KEY_ID="AKIANOSUCHKEY0000000")
    assert wrong_key.returncode == 2 and len(wrong_key.stderr.splitlines()) == 1
    assert "check AWS_ACCESS_KEY_ID" in wrong_key.stderr


def test_a_place_holding_other_objects_and_no_site_is_left_untouched(s3, published):
    v1, _ = published
    s3.put_object(Bucket=BUCKET, Key="backups/db.sql", Body=b"not the site")
    with pytest.raises(
        UploadError, match=r"holds no site \(no index.html\) but 1 file the site does not have"
    ):
        upload(v1, f"s3://{BUCKET}/backups", report=quiet)
    assert list(stored(s3, "backups")) == ["db.sql"]


def test_a_missing_bucket_names_it(s3, published):
    v1, _ = published
    with pytest.raises(UploadError, match="there is no bucket no-such-bucket"):
        upload(v1, "s3://no-such-bucket/site", report=quiet)
