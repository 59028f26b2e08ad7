"""Throughput of the diary week page under gunicorn on loopback, loaded by wrk from a second process.

    python -m bench.load [--engine sqlite|postgresql] [--schools 40] [--duration 15] [--families 2000]
    (PostgreSQL: BENCH_PG_URL as for bench.run; make bench-load)

gunicorn --workers 2 serves the app on 127.0.0.1 (DATABASE_URL = the benchmark database,
APP_ENV=dev, FAB_UPDATE_PERMS off as in config.py). Two loads, each three times (--runs) on the
warm server; the median run is reported with every run's figures, because this VM's speed drifts
between runs:
- one parent: the parent logs in and wrk requests the child's diary week with that cookie;
- many families (the evening): every request is the diary week of one of --families parents
  with a child in a school that keeps its journal, picked at random, so the per-process caches
  of users, scopes and families miss as they do when many families share the workers. Their
  session cookies are signed with the server's key, as its login form would sign them (thousands
  of logins would take longer than the load). The target is judged on this load.
wrk counts redirects as successes, so a Lua script counts every answer that is not 200 with a
body of the page's size (a redirect to the login page is a failure); with any, the target is
not met."""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from bench.cases import DIARY_WEEK, SECRET_KEY, TODAY
from bench.generate import OUT, PASSWORD

ROOT = Path(__file__).resolve().parent.parent

# The many-families load: each request takes a random (cookie, path) line of PAIRS_FILE.
FAMILIES_LUA = r"""
local entries = {}
for line in io.lines("PAIRS_FILE") do
  local cookie, path = line:match("^(%S+) (%S+)$")
  table.insert(entries, {cookie, path})
end
function init(args) math.randomseed(2613 + (id or 0)) end
function request()
  local entry = entries[math.random(#entries)]
  return wrk.format("GET", entry[2], {["Cookie"] = "session=" .. entry[1]})
end
"""

LUA = r"""
bad = 0
small = 0
function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 elseif #body < MIN_BYTES then small = small + 1 end
end
local threads = {}
function setup(thread) table.insert(threads, thread); thread:set("id", #threads) end
function done(summary, latency, requests)
  local b, s = 0, 0
  for _, t in ipairs(threads) do b = b + t:get("bad"); s = s + t:get("small") end
  io.write(string.format("BAD %d SMALL %d P50 %.2f P90 %.2f P99 %.2f\n", b, s,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer on {url}")


def login(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/login/").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = session.post(f"{base}/login/", data={"username": username, "password": PASSWORD, "csrf_token": token},
                            allow_redirects=False)
    if response.status_code not in (302, 303) or "/login" in response.headers.get("Location", ""):
        raise RuntimeError(f"login of {username} failed: {response.status_code}")
    return session


def _rows(url: str, sql: str, **params) -> list[tuple]:
    from sqlalchemy import create_engine, text
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql), params)]
    finally:
        engine.dispose()


def child_id(url: str) -> int:
    return _rows(url, """SELECT gl.pupil_id FROM guardian_link gl
        JOIN guardian g ON g.id = gl.guardian_id JOIN ab_user u ON u.id = g.user_id
        WHERE u.username = 'parent' ORDER BY gl.pupil_id LIMIT 1""")[0][0]


def family_pairs(url: str, families: int) -> list[tuple[int, int]]:
    """(user id, pupil id) of `families` parents with a diary login whose child is in a class the
    journal recorded lessons for in the benchmark's week, spread over the region (deterministic)."""
    return _rows(url, """SELECT u.id, MIN(gl.pupil_id) FROM ab_user u
        JOIN guardian g ON g.user_id = u.id JOIN guardian_link gl ON gl.guardian_id = g.id
        JOIN pupil p ON p.id = gl.pupil_id
        WHERE u.username <> 'parent' AND p.class_group_id IN (
            SELECT DISTINCT class_group_id FROM lesson WHERE date = :week)
        GROUP BY u.id ORDER BY (u.id * 7919) % 10007, u.id LIMIT :families""", week=DIARY_WEEK, families=families)


def signed_sessions(url: str, cookie: str, user_ids: list[int]) -> dict[int, str]:
    """The logged-in session `cookie` re-signed for each user id with a login session of the
    user's own opened in the database (what the login form would give each of them), with the
    server's key."""
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from app.security.sessions import BROWSER_SESSION_KEY, start_session, utcnow
    from config import Config

    engine = create_engine(url)
    try:
        with Session(engine) as database, database.begin():
            now = utcnow()
            keys = {user_id: start_session(database, user_id, "web", now, Config.PERMANENT_SESSION_LIFETIME)
                    for user_id in user_ids}
    finally:
        engine.dispose()
    signer = Flask(__name__)
    signer.secret_key = SECRET_KEY
    serializer = SecureCookieSessionInterface().get_signing_serializer(signer)
    template = serializer.loads(cookie)
    return {user_id: serializer.dumps(dict(template, _user_id=str(user_id), **{BROWSER_SESSION_KEY: keys[user_id]}))
            for user_id in user_ids}


def run_load(url: str, *, engine: str = "sqlite", duration: int = 15, connections: int = 16, threads: int = 2,
             workers: int = 2, user: str = "parent", runs: int = 3, families: int = 2000) -> str:
    """Run gunicorn + wrk `runs` times against one parent's diary week, then `runs` times against
    the weeks of many families (the VM's speed drifts between runs); returns markdown paragraphs
    with the median run and every run's figures of each."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return "wrk is not installed (`apt-get install -y wrk`): throughput not measured."
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": url, "APP_ENV": "dev", "FAB_UPDATE_PERMS": "0", "APP_TODAY": TODAY.isoformat(),
           "SESSION_COOKIE_SECURE": "0", "SECRET_KEY": SECRET_KEY, "PYTHONPATH": str(ROOT)}
    gunicorn = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--no-control-socket",
                "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "app:create_app()"]
    # The app logs every request to stderr: into a file, never an unread pipe (a full pipe buffer,
    # ~120 request lines, blocks the workers).
    OUT.mkdir(parents=True, exist_ok=True)  # absent in a fresh clone that measures PostgreSQL only
    log = open(OUT / "gunicorn.log", "w")
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
    scripts = []

    def script(text: str) -> str:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(text)
        scripts.append(handle.name)
        return handle.name

    def wrk_runs(arguments: list[str]) -> list[dict]:
        outputs = []
        for _ in range(runs):
            result = subprocess.run([wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency",
                                     "--timeout", "10s", *arguments], capture_output=True, text=True,
                                    timeout=duration + 60)
            outputs.append(_figures(result.stdout + result.stderr))
        return outputs

    try:
        wait_for(f"{base}/login/")
        session = login(base, user)
        path = f"/diary/{child_id(url)}/?date={DIARY_WEEK.isoformat()}"
        page = session.get(f"{base}{path}", allow_redirects=False)
        if page.status_code != 200:
            raise RuntimeError(f"diary page: {page.status_code}")
        cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
        for _ in range(20):  # warm both workers up
            session.get(f"{base}{path}")
        one = wrk_runs(["-s", script(LUA.replace("MIN_BYTES", str(len(page.content) // 2))),
                        "-H", f"Cookie: {cookie}", f"{base}{path}"])
        pairs = family_pairs(url, families)
        sessions = signed_sessions(url, session.cookies["session"], [user_id for user_id, _ in pairs])
        lines = [f"{sessions[user_id]} /diary/{pupil_id}/?date={DIARY_WEEK.isoformat()}" for user_id, pupil_id in pairs]
        probe = requests.get(f"{base}{lines[0].split()[1]}", cookies={"session": lines[0].split()[0]}, allow_redirects=False)
        if probe.status_code != 200:
            raise RuntimeError(f"a family's diary page: {probe.status_code}")
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
            handle.write("\n".join(lines) + "\n")
        scripts.append(handle.name)
        # The smallest week of a family still has the layout; a login page or an error is smaller.
        many = wrk_runs(["-s", script(FAMILIES_LUA.replace("PAIRS_FILE", handle.name)
                                      + LUA.replace("MIN_BYTES", str(len(probe.content) // 2))), base])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
        for name in scripts:
            os.unlink(name)
    setup = (f"({engine}), gunicorn --workers {workers} on 127.0.0.1, `wrk -t{threads} -c{connections} -d{duration}s` "
             f"from a second process, {runs} runs on the warm server")
    return "\n\n".join([
        _paragraph(f"**Many families** (the target): the diary week of one of {len(pairs)} parents picked at random "
                   f"for every request {setup}", many, judged=True),
        _paragraph(f"One parent: the diary week of the parent's child as `{user}` (`{path}`) {setup}", one, judged=False),
    ])


def _paragraph(what: str, runs: list[dict], *, judged: bool) -> str:
    figures = sorted(runs, key=lambda f: f["rps"])
    median = figures[(len(figures) - 1) // 2]  # of an even number of runs, the slower middle one
    bad = sum(f["bad"] + f["small"] for f in figures)
    verdict = (" (target ≥ 200 " + ("✓" if median["rps"] >= 200 and not bad else "✗") + ")") if judged else ""
    each = "; ".join(f"{f['rps']:.0f} requests/s, p99 {f['p99']:.1f} ms" for f in figures)
    return (f"{what}: median **{median['rps']:.0f} requests/s**{verdict}, latency p50 {median['p50']:.1f} ms, "
            f"p90 {median['p90']:.1f} ms, **p99 {median['p99']:.1f} ms**; the runs: {each}; answers that were not "
            f"the page: {bad}.\n\n```\n{median['output'].strip()}\n```")


def _figures(output: str) -> dict:
    stats = re.search(r"BAD (\d+) SMALL (\d+) P50 ([\d.]+) P90 ([\d.]+) P99 ([\d.]+)", output)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)), "bad": int(stats.group(1)),
            "small": int(stats.group(2)), "p50": float(stats.group(3)), "p90": float(stats.group(4)),
            "p99": float(stats.group(5)), "output": output}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default=None)
    parser.add_argument("--schools", type=int, default=40)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3, help="wrk runs on the warm server; the median is reported")
    parser.add_argument("--user", default="parent", help="who reads the diary (admin: no visit is counted)")
    parser.add_argument("--families", type=int, default=2000, help="parents of the many-families load")
    args = parser.parse_args()
    pg_base = os.environ.get("BENCH_PG_URL")
    engine = args.engine or ("postgresql" if pg_base else "sqlite")
    from bench.run import database_url, ensure_database
    url = database_url(engine, args.schools, pg_base)
    ensure_database(url, args.schools)
    print(run_load(url, engine=engine, duration=args.duration, connections=args.connections, workers=args.workers,
                   user=args.user, runs=args.runs, families=args.families))


if __name__ == "__main__":
    main()
