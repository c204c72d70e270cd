"""The public address, one rule for every plugin, tool and template."""

from siterules.address import LOCAL_SITEURL, absolute_siteurl, is_public_address, public_siteurl


def test_a_public_build_uses_siteurl_and_a_local_build_the_public_address():
    assert public_siteurl({"SITEURL": "https://a.cn/", "PUBLIC_SITEURL": "https://b.cn"}) == "https://a.cn"
    assert public_siteurl({"SITEURL": "", "PUBLIC_SITEURL": "https://x.gov.cn/"}) == "https://x.gov.cn"
    assert public_siteurl({"SITEURL": "../..", "PUBLIC_SITEURL": "https://x.gov.cn/shzz"}) == "https://x.gov.cn/shzz"


def test_without_an_absolute_address_only_the_feeds_fall_back_to_the_local_preview():
    for settings in ({"SITEURL": "../..", "PUBLIC_SITEURL": None}, {"SITEURL": "/shzz"}, {}):
        assert public_siteurl(settings) == ""
        assert absolute_siteurl(settings) == LOCAL_SITEURL
    assert absolute_siteurl({"SITEURL": "", "PUBLIC_SITEURL": "https://x.gov.cn"}) == "https://x.gov.cn"


def test_a_public_address_is_http_or_https_with_a_host():
    assert is_public_address("https://shzz.example.gov.cn")
    assert not is_public_address("shzz.example.gov.cn")
    assert not is_public_address("https://")
    assert not is_public_address("ftp://shzz.example.gov.cn")
