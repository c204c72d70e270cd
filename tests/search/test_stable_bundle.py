"""Pagefind's filter index put in a fixed order (plugins/search/stable.py), on real Pagefind runs."""

import gzip

import pytest
from search.indexing import index_shard, pagefind_binary
from search.stable import SIGNATURE, UnexpectedIndex, _encode, read_document, stabilize_bundle

REGIONS = ["南京市", "无锡市", "徐州市", "常州市", "苏州市", "南通市", "连云港市", "淮安市", "盐城市"]


def write_site(root):
    for number, region in enumerate(REGIONS * 2):
        page = root / f"p{number}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(
            '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>t</title></head><body>'
            f'<article data-pagefind-body data-pagefind-filter="category:栏目{number % 3}">'
            f'<h1>志愿服务 {number}</h1><p data-pagefind-filter="region">{region}</p>'
            f'<time datetime="2020-02-{number + 1:02d}" data-pagefind-sort="date[datetime]">日</time>'
            "</article></body></html>",
            encoding="utf-8",
        )
    return [f"p{number}/index.html" for number in range(len(REGIONS) * 2)]


def bundle_bytes(bundle):
    found = (path for path in bundle.rglob("*") if path.is_file())
    return {path.relative_to(bundle).as_posix(): path.read_bytes() for path in found}


def test_two_pagefind_runs_over_the_same_pages_leave_identical_bundles(tmp_path):
    paths = write_site(tmp_path)
    runs = []
    for _ in range(3):
        files, _ = index_shard(tmp_path, "shard", paths, pagefind_binary(), 60)
        runs.append(bundle_bytes(tmp_path / "pagefind" / "shard"))
        assert any(name.startswith("filter/") for name in files)
    assert runs[0] == runs[1] == runs[2]


def test_filter_values_are_sorted_and_every_page_keeps_its_values(tmp_path):
    paths = write_site(tmp_path)
    index_shard(tmp_path, "shard", paths, pagefind_binary(), 60)
    folder = tmp_path / "pagefind" / "shard" / "filter"
    documents = [read_document(path) for path in folder.glob("*.pf_filter")]
    by_name = {name: values for name, values in documents}
    assert set(by_name) == {"category", "region"}
    regions = [value for value, _ in by_name["region"]]
    assert regions == sorted(regions, key=str.encode) and sorted(regions) == sorted(REGIONS)
    assert all(len(pages) == 2 for _, pages in by_name["region"])


def test_documents_round_trip_byte_for_byte_and_other_shapes_are_refused(tmp_path):
    document = ["region", [["南京市", [0, 24, 300, 70000]], ["无锡市", [1]]], -3, b"\x00"]
    path = tmp_path / "x.pf_filter"
    path.write_bytes(gzip.compress(SIGNATURE + _encode(document)))
    assert read_document(path) == document
    path.write_bytes(gzip.compress(SIGNATURE + b"\xa1\x01\x02"))  # a CBOR map
    with pytest.raises(UnexpectedIndex):
        read_document(path)
    (tmp_path / "filter").mkdir()
    (tmp_path / "filter" / "odd-name.pf_filter").write_bytes(b"")
    with pytest.raises(UnexpectedIndex):
        stabilize_bundle(tmp_path)
