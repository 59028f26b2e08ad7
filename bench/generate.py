"""Region-scale database for the benchmark: all ~1,400 schools with rollout data and monthly
snapshots, and full-year journals for N schools (default 40: ≈ 30,000 pupils, ≈ 8 million marks).

    python -m bench.generate --engine sqlite [--schools 40] [--out bench/out/region-40.sqlite]
    python -m bench.generate --engine postgresql --url postgresql+psycopg://...   (drops the schema!)

Reproducible: the same seed gives the same database. Uses the demo loader's bulk inserts."""
from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from app import create_app
from app.demo import YEAR_END, load_demo
from app.extensions import db
from app.security.roles import sync_roles

OUT = Path(__file__).resolve().parent / "out"
MONTHS = tuple(dt.date(2012 + (m < 9), m, 1) for m in (9, 10, 11, 12, 1, 2, 3, 4, 5))
PASSWORD = "Bench-password-2613"


def sqlite_path(schools: int) -> Path:
    return OUT / f"region-{schools}.sqlite"


def generate(url: str, schools: int, seed: int = 2613) -> str:
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "FAB_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        upgrade()
        sync_roles(app.appbuilder)
        summary = load_demo(db.session, app.appbuilder.sm, password=PASSWORD, full_schools=schools, seed=seed,
                            filled_until=YEAR_END, lessons_until=YEAR_END, letters="АБВ", snapshot_months=MONTHS)
        if url.startswith("postgresql"):
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return str(summary)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--schools", type=int, default=40, help="schools with full-year journals")
    parser.add_argument("--url", help="PostgreSQL URL (required for --engine postgresql)")
    parser.add_argument("--seed", type=int, default=2613)
    args = parser.parse_args()
    if args.engine == "sqlite":
        OUT.mkdir(parents=True, exist_ok=True)
        path = sqlite_path(args.schools)
        path.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        if not args.url:
            parser.error("--url is required for PostgreSQL")
        url = args.url
    started = time.perf_counter()
    print(generate(url, args.schools, args.seed))
    print(f"{args.engine}: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
