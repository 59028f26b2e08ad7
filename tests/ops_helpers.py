"""Helpers of the operations tests: free ports, the JSON request log, and the outside processes
(a streaming replica of the test cluster, redis-server, gunicorn) with their clean-up."""
from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from sqlalchemy.engine import make_url

from app.observability import JsonFormatter, request_log

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2, what: str = "condition"):
    """Poll `predicate` until it returns a truthy value; fail with `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except AssertionError:
            raise
        except Exception as error:  # noqa: BLE001 — the thing polled is not up yet
            last_error = error
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}" + (f": {last_error!r}" if last_error else ""))


class RequestLog:
    """The request log lines written while active, parsed from their JSON."""

    def __init__(self):
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.setFormatter(JsonFormatter())

    @property
    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines() if line.strip()]

    def for_path(self, path: str) -> list[dict]:
        return [line for line in self.lines if line.get("path") == path]


@contextlib.contextmanager
def captured_request_log():
    log = RequestLog()
    request_log.addHandler(log.handler)
    try:
        yield log
    finally:
        request_log.removeHandler(log.handler)


# --- a streaming replica of the local PostgreSQL 15 cluster ---------------------------------

def replica_unavailable_reason(primary_url: str | None) -> str | None:
    if not primary_url:
        return "needs TEST_DATABASE_URL (set by .ci/run)"
    if os.geteuid() != 0:
        return "needs root: the replica cluster runs as the postgres user (runuser)"
    for tool in ("pg_basebackup", "pg_ctl"):
        if not (PG_BIN / tool).exists():
            return f"needs PostgreSQL 15 tools ({PG_BIN / tool})"
    return None


def _run(args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, args))} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


class ReplicaCluster:
    """A hot standby of the cluster behind `primary_url`, made with pg_basebackup -R and run as postgres."""

    def __init__(self, primary_url: str):
        self.primary = make_url(primary_url)
        self.port = free_port()
        self.datadir = Path(tempfile.mkdtemp(prefix="journal-replica-"))
        self.url = self.primary.set(host="127.0.0.1", port=self.port).render_as_string(hide_password=False)

    def _as_postgres(self, *args, **kwargs):
        return _run(["runuser", "-u", "postgres", "--", *map(str, args)], **kwargs)

    def _primary_setting(self, name: str) -> str:
        return self._as_postgres(
            "psql", "-h", "127.0.0.1", "-p", self.primary.port or 5432, "-U", self.primary.username,
            "-d", self.primary.database, "-Atc", f"SHOW {name}",
            env={**os.environ, "PGPASSWORD": self.primary.password},
        ).stdout.strip()

    def start(self) -> "ReplicaCluster":
        shutil.chown(self.datadir, "postgres", "postgres")
        self.datadir.chmod(0o700)
        env = {**os.environ, "PGPASSWORD": self.primary.password}
        self._as_postgres(
            PG_BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", self.primary.port or 5432,
            "-U", self.primary.username, "-D", self.datadir, "-R", "-X", "stream", "-c", "fast",
            env=env, timeout=300,
        )
        # Debian keeps postgresql.conf and pg_hba.conf in /etc, outside the copied data directory.
        # A hot standby needs these limits at least as high as the primary's.
        limits = {name: self._primary_setting(name) for name in (
            "max_connections", "max_worker_processes", "max_wal_senders",
            "max_prepared_transactions", "max_locks_per_transaction")}
        conf = [
            "listen_addresses = '127.0.0.1'",
            f"port = {self.port}",
            f"unix_socket_directories = '{self.datadir}'",
            "hot_standby = on",
            "shared_buffers = 16MB",
            "logging_collector = off",
            *(f"{name} = {value}" for name, value in limits.items()),
        ]
        (self.datadir / "postgresql.conf").write_text("\n".join(conf) + "\n")
        (self.datadir / "pg_hba.conf").write_text(
            "local all postgres peer\nhost all all 127.0.0.1/32 scram-sha-256\n")
        _run(["chown", "-R", "postgres:postgres", str(self.datadir)])
        self._as_postgres(
            PG_BIN / "pg_ctl", "-D", self.datadir, "-l", self.datadir / "server.log", "-w", "-t", "60",
            "-o", f"-p {self.port} -k {self.datadir}", "start", timeout=120,
        )
        return self

    def stop(self) -> None:
        if (self.datadir / "postmaster.pid").exists():
            subprocess.run(["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D", str(self.datadir),
                            "-m", "immediate", "-w", "stop"], capture_output=True, timeout=60)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.datadir, ignore_errors=True)

    def log_text(self) -> str:
        path = self.datadir / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""


# --- redis-server and gunicorn ----------------------------------------------------------------

class RedisServer:
    """A private redis-server on a free port: no persistence, its files in a temporary folder."""

    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="journal-redis-"))
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.dir), "--daemonize", "no",
             "--logfile", str(self.dir / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis.from_url(self.url)
        wait_for(client.ping, what=f"redis-server on port {self.port}")
        client.close()
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


class Gunicorn:
    """`gunicorn 'app:create_app()'` on a free port with the given environment (APP_ENV=prod)."""

    def __init__(self, env: dict, workdir: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"gunicorn-{self.port}.log"
        self.env = {**os.environ, **env}
        self.process = None

    def start(self) -> "Gunicorn":
        import requests

        gunicorn = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin" / "gunicorn"
        if not gunicorn.exists():
            gunicorn = Path(shutil.which("gunicorn"))
        self.log_file = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [str(gunicorn), "--no-control-socket", "--workers", "1", "--bind", f"127.0.0.1:{self.port}",
             "app:create_app()"],
            cwd=ROOT, env=self.env, stdout=self.log_file, stderr=subprocess.STDOUT,
        )

        def healthy():
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{self.log_path.read_text()}")
            return requests.get(self.base + "/health", timeout=2).status_code == 200

        wait_for(healthy, timeout=60, what=f"gunicorn on port {self.port}")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if getattr(self, "log_file", None):
            self.log_file.close()
