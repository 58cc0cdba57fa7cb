"""Load-test data needs PostgreSQL; on SQLite the command says so and changes nothing."""

import os

import pytest


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgresql"),
    reason="on PostgreSQL tests/postgres/test_scale_seed.py makes the data",
)
def test_scale_seed_on_sqlite_says_it_needs_postgresql(app):
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--scale", "10"])
    assert result.exit_code == 1
    assert "scale data is made inside PostgreSQL" in result.output
    assert "demo subscriber(s) created" not in result.output
