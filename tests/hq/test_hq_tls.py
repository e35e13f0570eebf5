"""TLS in front of HQ (issue 17): Debian's nginx with the configuration docs/deployment.md
prints, a test CA, and the real `ces-hq serve` behind it.

A kiosk enrolled with the company CA (`ces-kiosk enroll --hq-ca`) enrols and syncs through
it, every answer arriving once. A certificate it must not trust (another CA, another host
name, or the company CA's without `--hq-ca`) is refused with a plain message, its code
stays unused and its queued answers stay queued. HQ takes the client's address and scheme
from the proxy's headers only when FORWARDED_ALLOW_IPS trusts the proxy.
"""

from __future__ import annotations

import http.client
import json
import os
import ssl
import subprocess
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import requests.certs
from hqserver import HQService, ces_hq, free_port
from kiosk_program import ces_kiosk
from sync_fixtures import hq_answers, kiosk_acknowledged, running_hq, write_answers
from tls_proxy import Certificate, Nginx, make_ca, make_server_cert, nginx_binary

from ces.keys import HQ_CA, HQ_URL, KIOSK_ID
from hq import throttle
from hq.api.routes.responses import MAX_RESPONSES_BYTES
from kiosk.flow.clock import ManualClock
from kiosk.ui.app import Kiosk
from kiosk.ui.driver import is_shown, tap, visible_item
from sync import problems
from sync.outbox import Outbox
from sync.settings import Settings

ANSWERS = 40
# The clients' own addresses: all of 127.0.0.0/8 is this machine, and nginx sees each.
CLIENT_A, CLIENT_B = "127.0.0.2", "127.0.0.4"

NGINX = nginx_binary()
pytestmark = pytest.mark.skipif(
    NGINX is None, reason="no nginx (Debian: apt-get install nginx, or scripts/system-deps --test)"
)


@dataclass(frozen=True)
class PKI:
    company_ca: Certificate
    hq: Certificate  # for 127.0.0.1 and localhost, from the company CA
    foreign: Certificate  # the same names, from a CA nobody trusts
    wrong_name: Certificate  # from the company CA, for another host


@dataclass
class Proxy:
    nginx: Nginx
    good: int
    foreign: int
    wrong_name: int

    def url(self, port: int) -> str:
        return self.nginx.url(port)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> PKI:
    folder = tmp_path_factory.mktemp("pki")
    company = make_ca(folder, "Effortless Test Company CA")
    other = make_ca(folder, "Somebody Else CA")
    local = ("127.0.0.1", "localhost")
    return PKI(
        company_ca=company,
        hq=make_server_cert(folder, "hq", company, local),
        foreign=make_server_cert(folder, "foreign", other, local),
        wrong_name=make_server_cert(folder, "wrong-name", company, ("hq.example.com",)),
    )


def start_proxy(folder: Path, hq: HQService, pki: PKI) -> Nginx:
    assert NGINX is not None
    ports = free_port(), free_port(), free_port()
    sites = dict(zip(ports, (pki.hq, pki.foreign, pki.wrong_name), strict=True))
    return Nginx(folder, hq.port, sites, NGINX).start()


@pytest.fixture(scope="module")
def hq(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HQService]:
    yield from running_hq(tmp_path_factory.mktemp("hq"))


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory, hq: HQService, pki: PKI) -> Iterator[Proxy]:
    nginx = start_proxy(tmp_path_factory.mktemp("nginx"), hq, pki)
    try:
        yield Proxy(nginx, *nginx.ports)
    finally:
        nginx.stop()


def enroll(data_dir: Path, url: str, code: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return ces_kiosk("enroll", "--hq", url, "--code", code, "--data-dir", str(data_dir), *extra)


def sync(
    data_dir: Path, timeout_s: float, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return ces_kiosk(
        "sync", "--data-dir", str(data_dir), "--until-empty", "--timeout", f"{timeout_s:g}",
        env=env,
    )  # fmt: skip


def queue(data_dir: Path, n: int) -> list[str]:
    with closing(Outbox.open(data_dir)) as outbox:
        return write_answers(outbox, n)


def pending(data_dir: Path) -> int:
    result = ces_kiosk("status", "--data-dir", str(data_dir), "--json")
    assert result.returncode == 0, result.stderr
    status: dict[str, Any] = json.loads(result.stdout)
    return int(status["pending"])


# -- through the proxy ------------------------------------------------------------------------


def test_a_kiosk_trusting_the_company_ca_enrols_and_syncs_through_tls(
    hq: HQService, proxy: Proxy, pki: PKI, tmp_path: Path
) -> None:
    data_dir = tmp_path / "kiosk"
    ids = queue(data_dir, ANSWERS)  # collected before enrolment, sent after
    ca_file = tmp_path / "company-ca.pem"
    ca_file.write_bytes(pki.company_ca.cert.read_bytes())

    enrolled = enroll(data_dir, proxy.url(proxy.good), hq.add_kiosk(), "--hq-ca", str(ca_file))
    assert enrolled.returncode == 0, enrolled.stderr
    ca_file.unlink()  # the kiosk keeps its own copy
    settings = Settings.open(data_dir)
    assert settings.get(HQ_URL) == proxy.url(proxy.good)
    kept = data_dir / str(settings.get(HQ_CA))
    assert kept.read_bytes() == pki.company_ca.cert.read_bytes()
    kiosk_id = str(settings.get(KIOSK_ID))

    # A CA bundle in the environment (without the company CA) does not replace the kiosk's.
    synced = sync(data_dir, 120, env={"REQUESTS_CA_BUNDLE": requests.certs.where()})
    assert synced.returncode == 0, synced.stderr
    arrived = hq_answers(hq.data_dir, kiosk_id)  # fails on an answer stored twice
    assert sorted(arrived) == sorted(ids)
    assert arrived == kiosk_acknowledged(data_dir)
    assert pending(data_dir) == 0
    # Again: nothing is sent twice.
    assert sync(data_dir, 60).returncode == 0
    assert len(hq_answers(hq.data_dir, kiosk_id)) == ANSWERS


@pytest.mark.parametrize(
    ("site", "with_ca", "reason"),
    [
        ("foreign", True, "unable to get local issuer certificate"),
        ("wrong_name", True, "IP address mismatch, certificate is not valid for '127.0.0.1'"),
        # The company's certificate, but the kiosk was not given its CA: certifi's list.
        ("good", False, "unable to get local issuer certificate"),
    ],
)
def test_enrolment_refuses_a_certificate_the_kiosk_must_not_trust(
    hq: HQService, proxy: Proxy, pki: PKI, tmp_path: Path, site: str, with_ca: bool, reason: str
) -> None:
    data_dir = tmp_path / "kiosk"
    queued = queue(data_dir, 3)
    code = hq.add_kiosk()
    url = proxy.url(getattr(proxy, site))
    extra = ("--hq-ca", str(pki.company_ca.cert)) if with_ca else ()

    refused = enroll(data_dir, url, code, *extra)

    assert refused.returncode == 1
    assert refused.stderr == (
        f"ces-kiosk enroll: HQ's certificate is not trusted at {url}: {reason} — check the "
        "address; for a certificate from your company's CA, give --hq-ca FILE\n"
    )
    assert Settings.open(data_dir).get(HQ_URL) is None
    assert not (data_dir / "hq-ca.pem").exists()
    assert pending(data_dir) == len(queued)
    # Nothing reached HQ: the code is still good, through a certificate the kiosk trusts.
    good = enroll(data_dir, proxy.url(proxy.good), code, "--hq-ca", str(pki.company_ca.cert))
    assert good.returncode == 0, good.stderr


@pytest.mark.parametrize("site", ["foreign", "wrong_name"])
def test_an_enrolled_kiosk_facing_an_untrusted_certificate_keeps_its_answers(
    hq: HQService, proxy: Proxy, pki: PKI, tmp_path: Path, site: str
) -> None:
    data_dir = tmp_path / "kiosk"
    ca = str(pki.company_ca.cert)
    assert enroll(data_dir, proxy.url(proxy.good), hq.add_kiosk(), "--hq-ca", ca).returncode == 0
    settings = Settings.open(data_dir)
    kiosk_id = str(settings.get(KIOSK_ID))
    ids = queue(data_dir, 12)
    # The address now answers with a certificate the kiosk must not trust (a replaced
    # certificate, or someone in between).
    settings.update({HQ_URL: proxy.url(getattr(proxy, site))})

    refused = sync(data_dir, 5)

    assert refused.returncode == 1
    assert pending(data_dir) == len(ids)
    assert hq_answers(hq.data_dir, kiosk_id) == {}
    with closing(Outbox.attach(data_dir)) as outbox:
        problem = problems.last(outbox)
        assert problem is not None
        assert problem.kind == problems.HQ_UNTRUSTED
        assert str(outbox.meta("last_sync_error")).startswith("HQ's certificate is not trusted")
    # Back to the right certificate: every answer arrives, once.
    settings.update({HQ_URL: proxy.url(proxy.good)})
    assert sync(data_dir, 120).returncode == 0
    assert sorted(hq_answers(hq.data_dir, kiosk_id)) == sorted(ids)


def test_a_file_that_is_no_certificate_is_refused_before_anything_is_sent(
    hq: HQService, proxy: Proxy, pki: PKI, tmp_path: Path
) -> None:
    data_dir = tmp_path / "kiosk"
    code = hq.add_kiosk()
    for wrong in (pki.company_ca.key, tmp_path / "missing.pem"):
        refused = enroll(data_dir, proxy.url(proxy.good), code, "--hq-ca", str(wrong))
        assert refused.returncode == 2
        assert refused.stderr.startswith("ces-kiosk enroll: --hq-ca: ")
        assert str(wrong) in refused.stderr
    assert not Settings(data_dir).exists()
    ok = enroll(data_dir, proxy.url(proxy.good), code, "--hq-ca", str(pki.company_ca.cert))
    assert ok.returncode == 0, ok.stderr


def test_the_proxy_refuses_a_body_larger_than_hq_takes(proxy: Proxy, pki: PKI) -> None:
    def post(size: int) -> requests.Response:
        return requests.post(
            f"{proxy.url(proxy.good)}/api/v1/responses",
            data=b"x" * size,
            headers={"Content-Type": "application/json", "Authorization": "Bearer nobody"},
            timeout=30,
            verify=str(pki.company_ca.cert),
        )

    too_big = post(MAX_RESPONSES_BYTES + 1)
    assert too_big.status_code == 413
    assert "nginx" in too_big.text  # refused by nginx, before HQ saw a byte of it
    largest = post(MAX_RESPONSES_BYTES)  # passed on: HQ answers (no such kiosk)
    assert largest.status_code == 401
    assert largest.headers["content-type"].startswith("application/json")


# -- FORWARDED_ALLOW_IPS -----------------------------------------------------------------------


def enrol_attempt(port: int, ca: Path, source: str, spoofed: str | None = None) -> int:
    """A wrong enrolment code through nginx from the client address ``source``."""
    context = ssl.create_default_context(cafile=str(ca))
    conn = http.client.HTTPSConnection(
        "127.0.0.1", port, context=context, timeout=30, source_address=(source, 0)
    )
    headers = {"Content-Type": "application/json"}
    if spoofed:
        headers["X-Forwarded-For"] = spoofed
    try:
        conn.request("POST", "/api/v1/enroll", body=b'{"code": "ABCD-EFGH"}', headers=headers)
        return conn.getresponse().status
    finally:
        conn.close()


def login_cookie(url: str, ca: Path, hq: HQService) -> str:
    made = ces_hq("user", "add", "anna", "--password-stdin", *hq.where(), stdin="a long password\n")
    assert made.returncode == 0, made.stderr
    reply = requests.post(
        f"{url}/login",
        data={"user": "anna", "password": "a long password", "next": "/"},
        allow_redirects=False,
        timeout=30,
        verify=str(ca),
    )
    assert reply.status_code == 303, reply.text
    return reply.headers["set-cookie"]


def test_hq_counts_guesses_per_client_behind_a_trusted_proxy(
    hq: HQService, proxy: Proxy, pki: PKI
) -> None:
    ca = pki.company_ca.cert
    for _ in range(throttle.ENROL_BURST):
        assert enrol_attempt(proxy.good, ca, CLIENT_A) == 404
    assert enrol_attempt(proxy.good, ca, CLIENT_A) == 429
    # A made-up header does not make the guesser someone else: nginx replaces it.
    assert enrol_attempt(proxy.good, ca, CLIENT_A, spoofed="192.0.2.77") == 429
    # Another client behind the same proxy still has all its tries.
    assert enrol_attempt(proxy.good, ca, CLIENT_B) == 404
    assert "; secure" in login_cookie(proxy.url(proxy.good), ca, hq).lower()
    assert "client addresses taken from X-Forwarded-For of 127.0.0.1,::1" in hq.stderr()


def test_behind_a_proxy_hq_does_not_trust_every_client_shares_one_allowance(
    tmp_path: Path, pki: PKI
) -> None:
    env = {**os.environ, "FORWARDED_ALLOW_IPS": "192.0.2.1"}  # not where nginx is
    with HQService(tmp_path / "hq", env=env) as hq:
        nginx = start_proxy(tmp_path / "nginx", hq, pki)
        try:
            port, ca = nginx.ports[0], pki.company_ca.cert
            for _ in range(throttle.ENROL_BURST):
                assert enrol_attempt(port, ca, CLIENT_A) == 404
            assert enrol_attempt(port, ca, CLIENT_B) == 429
            # And HQ takes the request for plain HTTP: no Secure cookie.
            assert "; secure" not in login_cookie(nginx.url(port), ca, hq).lower()
        finally:
            nginx.stop()
        assert "X-Forwarded-For of 192.0.2.1 (FORWARDED_ALLOW_IPS)" in hq.stderr()


@pytest.mark.ui
def test_a_new_enrolment_on_the_setup_screen_keeps_the_company_ca(
    hq: HQService,
    proxy: Proxy,
    pki: PKI,
    data_dir: Path,
    make_kiosk: Callable[..., Kiosk],
    clock: ManualClock,
    qtbot: Any,
) -> None:
    """The setup screen has no CA to choose: a kiosk enrolled with --hq-ca (no PIN yet, so
    it opens on the setup screen) enrols again with the CA it has."""
    url, ca = proxy.url(proxy.good), str(pki.company_ca.cert)
    assert enroll(data_dir, url, hq.add_kiosk(), "--hq-ca", ca).returncode == 0
    kiosk = make_kiosk(configured=False)
    assert is_shown(kiosk.window, "setupScreen")
    code = hq.add_kiosk(store="s108", touchpoint="returns_desk")
    for name, value in dict(
        setupPin="4321", setupPinAgain="4321", setupHq=url, setupCode=code
    ).items():
        visible_item(kiosk.window, name).setProperty("text", value)
    clock.advance(0.5)
    tap(kiosk.window, "setupConnect")
    qtbot.waitUntil(lambda: not is_shown(kiosk.window, "setupScreen"), timeout=20_000)
    assert kiosk.settings.get("store_id") == "s108"
    assert kiosk.settings.get(HQ_CA) == "hq-ca.pem"
    assert (data_dir / "hq-ca.pem").read_bytes() == pki.company_ca.cert.read_bytes()
