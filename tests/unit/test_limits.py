"""Whose address counts for the sign-in limits (issue 26: "honouring the proxy's forwarded
address only when told to trust it"; components/hosting/limits.py, deployment.py)."""

from __future__ import annotations

import ipaddress

import pytest

from components.hosting import deployment
from components.hosting.deployment import (
    TRUSTED_PROXIES_ENV,
    ConfigurationError,
    read_settings,
    read_trusted_proxies,
)
from components.hosting.limits import client_address, parse_proxies

FORWARDED = "198.51.100.2, 203.0.113.9"  # a client's own claim, then what the proxy added


@pytest.mark.parametrize("peer", ["127.0.0.1", "::1", "10.0.0.7", "172.18.0.5", "192.168.1.4", None])
def test_no_proxy_is_trusted_by_default_not_even_loopback_or_private(peer):
    assert client_address(peer, FORWARDED) == peer
    assert client_address(peer, FORWARDED, read_trusted_proxies({})) == peer


def test_a_named_proxy_or_network_gives_the_address_it_added():
    trusted = parse_proxies("127.0.0.1,172.16.0.0/12")
    assert client_address("172.18.0.5", FORWARDED, trusted) == "203.0.113.9"
    assert client_address(None, FORWARDED, trusted) == "203.0.113.9", "Streamlit's None is loopback"
    assert client_address("10.0.0.7", FORWARDED, trusted) == "10.0.0.7", "a private peer not named"
    assert client_address("172.18.0.5", "not-an-address", trusted) == "172.18.0.5"
    assert client_address("::1", FORWARDED, parse_proxies("::1")) == "203.0.113.9"


def test_the_setting_is_read_from_the_environment_and_checked():
    assert read_trusted_proxies({TRUSTED_PROXIES_ENV: " 127.0.0.1 , 172.16.0.0/12 ,"}) == (
        ipaddress.ip_network("127.0.0.1/32"),
        ipaddress.ip_network("172.16.0.0/12"),
    )
    settings = read_settings({"TRAINING_ROI_SINGLE_USER": "1", TRUSTED_PROXIES_ENV: "10.1.2.3"}, secrets={})
    assert settings.trusted_proxies == (ipaddress.ip_network("10.1.2.3/32"),)
    with pytest.raises(ConfigurationError, match=f"{TRUSTED_PROXIES_ENV}: 'proxy' is not"):
        read_settings({"TRAINING_ROI_SINGLE_USER": "1", TRUSTED_PROXIES_ENV: "10.0.0.1,proxy"}, secrets={})


def test_the_process_reads_it_once(monkeypatch):
    deployment.trusted_proxies.cache_clear()
    monkeypatch.setenv(TRUSTED_PROXIES_ENV, "172.28.0.10")
    first = deployment.trusted_proxies()
    monkeypatch.setenv(TRUSTED_PROXIES_ENV, "10.0.0.0/8")
    assert deployment.trusted_proxies() == first == (ipaddress.ip_network("172.28.0.10/32"),)
    deployment.trusted_proxies.cache_clear()


def test_the_compose_file_trusts_only_its_own_nginx():
    text = (deployment.ROOT / "deploy" / "compose.yaml").read_text()
    example = (deployment.ROOT / "deploy" / "example.env").read_text()
    assert f"{TRUSTED_PROXIES_ENV}:" in text and f"{TRUSTED_PROXIES_ENV}=" in example
    assert "ipv4_address: 172.28.0.10" in text


def test_the_server_keeps_its_memory_near_what_it_uses():
    """glibc takes both settings (this project runs on Linux with glibc, as CI and the image);
    the figures they keep (12 users' heavy pages and a PDF export: the server 631 → 296 MiB)
    come from `scripts/benchmark_speed.py --heavy-only`, not from a test."""
    import platform

    from components.hosting.limits import bound_server_memory

    assert bound_server_memory() is (platform.libc_ver()[0] == "glibc")
