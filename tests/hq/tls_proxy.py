"""TLS in front of HQ for the tests: a test CA and certificates made with the openssl
command, and Debian's nginx running the configuration docs/deployment.md prints.

nginx runs as the test's own user, in one process (``master_process off``: no workers to
switch user), with every file it writes in a folder of the test's. The server block of the
documentation is used as printed, with only its address, port, certificate and HQ's port
replaced, so a change there that breaks kiosks breaks these tests.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parents[2]
DEPLOYMENT = ROOT / "docs" / "deployment.md"
SECTION = "## HQ behind a reverse proxy"
# Where the documented block has HQ, its address and its certificate.
DOC_UPSTREAM = "server 127.0.0.1:8080;"
DOC_LISTEN = "listen 443 ssl;"
DOC_CERT = "/etc/ssl/certs/hq.example.com.pem"
DOC_KEY = "/etc/ssl/private/hq.example.com.key"
START_TIMEOUT_S = 20


def nginx_binary() -> str | None:
    """Debian's nginx (in /usr/sbin, which a normal user's PATH may lack)."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path


def _openssl(*args: str) -> None:
    result = subprocess.run(
        ["openssl", *args], capture_output=True, text=True, timeout=60, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {result.stderr}")


def make_ca(folder: Path, name: str) -> Certificate:
    """A self-signed CA certificate and its key (P-256, valid for two days)."""
    folder.mkdir(parents=True, exist_ok=True)
    made = Certificate(folder / f"{name}.pem", folder / f"{name}.key")
    _openssl(
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", str(made.key), "-out", str(made.cert), "-days", "2", "-subj", f"/CN={name}",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    return made


def make_server_cert(folder: Path, name: str, ca: Certificate, hosts: Sequence[str]) -> Certificate:
    """A server certificate for ``hosts`` (IP addresses or DNS names), signed by ``ca``."""
    made = Certificate(folder / f"{name}.pem", folder / f"{name}.key")
    request, extensions = folder / f"{name}.csr", folder / f"{name}.ext"
    names = ",".join(f"IP:{h}" if h[0].isdigit() else f"DNS:{h}" for h in hosts)
    extensions.write_text(
        f"subjectAltName={names}\nbasicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
        "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
        encoding="ascii",
    )
    _openssl(
        "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", str(made.key), "-out", str(request), "-subj", f"/CN={hosts[0]}",
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", str(request), "-CA", str(ca.cert), "-CAkey", str(ca.key),
        "-CAcreateserial", "-out", str(made.cert), "-days", "2", "-extfile", str(extensions),
    )  # fmt: skip
    return made


def documented_nginx() -> tuple[str, str]:
    """The nginx block of docs/deployment.md: what goes before its server block (zones,
    upstream) and the server block itself."""
    text = DEPLOYMENT.read_text(encoding="utf-8")
    section = text[text.index(SECTION) :]
    block = section[section.index("```nginx\n") + len("```nginx\n") :]
    block = block[: block.index("```")]
    head, server, rest = block.partition("\nserver {")
    assert server, "the documented nginx configuration has no server block"
    for needle in (DOC_LISTEN, DOC_CERT, DOC_KEY):
        assert rest.count(needle) == 1, f"the documented server block lost {needle!r}"
    assert head.count(DOC_UPSTREAM) == 1, f"the documented upstream lost {DOC_UPSTREAM!r}"
    return head, "server {" + rest


def nginx_config(folder: Path, hq_port: int, sites: Mapping[int, Certificate]) -> str:
    """The documented configuration in front of HQ on ``hq_port``: one server block per
    port in ``sites``, each with its own certificate."""
    head, server = documented_nginx()
    servers = [
        server.replace(DOC_LISTEN, f"listen 127.0.0.1:{port} ssl;")
        .replace(DOC_CERT, str(site.cert))
        .replace(DOC_KEY, str(site.key))
        for port, site in sites.items()
    ]
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"daemon off;\nmaster_process off;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} info;\n"
        "events { worker_connections 512; }\n"
        f"http {{\n    access_log {folder / 'access.log'};\n{temp}\n"
        + head.replace(DOC_UPSTREAM, f"server 127.0.0.1:{hq_port};")
        + "\n"
        + "\n".join(servers)
        + "\n}\n"
    )


class Nginx:
    """nginx with ``nginx_config`` in ``folder``; ``start()`` returns once every port takes
    connections, or raises with nginx's error log."""

    def __init__(
        self, folder: Path, hq_port: int, sites: Mapping[int, Certificate], binary: str
    ) -> None:
        self.folder = folder
        self.ports = list(sites)
        self.binary = binary
        folder.mkdir(parents=True, exist_ok=True)
        self.config = folder / "nginx.conf"
        self.config.write_text(nginx_config(folder, hq_port, sites), encoding="utf-8")
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, port: int | None = None) -> str:
        return f"https://127.0.0.1:{port or self.ports[0]}"

    def errors(self) -> str:
        log = self.folder / "error.log"
        return log.read_text(errors="replace") if log.exists() else ""

    def start(self) -> Nginx:
        command = [self.binary, "-p", str(self.folder), "-c", str(self.config)]
        command += ["-e", str(self.folder / "error.log")]
        checked = subprocess.run(
            [*command, "-t"], capture_output=True, text=True, timeout=30, check=False
        )
        if checked.returncode != 0:
            raise RuntimeError(f"nginx -t refused the configuration:\n{checked.stderr}")
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        waiting = list(self.ports)
        while waiting:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited at start:\n{self.errors()}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"nginx did not listen within {START_TIMEOUT_S} s")
            try:
                socket.create_connection(("127.0.0.1", waiting[0]), timeout=1).close()
                waiting.pop(0)
            except OSError:
                time.sleep(0.02)  # ok-sleep: polling a server that is starting, with a deadline
        return self

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Nginx:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
