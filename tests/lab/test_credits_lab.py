"""Credits on a running platform (issue 15): an account that runs out of
credits sees its measurement stopped, with the reason, while another
account's measurement on the same probe carries on; then kill -9 of the
controller while results are being charged, a restart, and the ledger
still balances against the stored results (the test sums both from the
store). The same rules again with the controller on a throwaway PostgreSQL
cluster: the dry account's measurement stops, the other runs on, and the
ledger balances against the stored results. The controller and its agent
(the synthetic runner, which sends no packets) run in this test's own
namespaces (prefixes vcr, vcp)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pg_lab import TempPostgres, pg_bin  # noqa: E402
from platform_lab import RUN_USER, VANTAGE, Platform, sanitizer_clean, wait_for  # noqa: E402
from test_api import API, ApiPlatform  # noqa: E402

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces")

# 16 packets of 2048 bytes: 32 credits a result; every 10 s: 8640 results a day
DEF = {"type": "ping", "af": 4, "target": "198.18.1.2", "interval": 10, "packets": 16,
       "size": 2048, "description": "credits"}
PRICE = 32
FIRST_DAY = 8640 * PRICE


class CreditsPlatform(ApiPlatform):
    def __init__(self, prefix="vcr", pg=None, heartbeat=1):
        Platform.__init__(self, heartbeat=heartbeat, prefix=prefix, pg=pg)

    def key_for(self, owner, account):
        store = ["--db", self.pg.url] if self.pg else ["--dir", str(self.dir / "controller")]
        r = subprocess.run([str(VANTAGE), "keys", "add", owner, "--account", account, *store],
                           capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, r.stderr
        return r.stdout.split()[-1]

    def create(self, key, probe):
        body = {"definitions": [DEF], "is_oneoff": False,
                "probes": [{"type": "probes", "value": str(probe), "requested": 1}]}
        return self.http("POST", "/api/v2/measurements/", key=key, body=body)

    def transfer(self, frm, to, amount):
        r = self.admin("credits", "transfer", "--from", frm, "--to", to, "--amount", str(amount))
        assert r.returncode == 0, r.stderr

    def balance(self, account):
        return self.admin_json("credits", "show", account)["current_balance"]

    def sql(self, query, *args):
        """As ApiPlatform.sql; on PostgreSQL the arguments (integers here) are put in
        the text, and every value comes back as an int, or None for NULL or text."""
        if not self.pg:
            return ApiPlatform.sql(self, query, *args)
        for a in args:
            query = query.replace("?", str(int(a)), 1)
        rows = self.pg.psql("vantage", query)
        return [tuple(int(v) if v.lstrip("-").isdigit() else (v or None) for v in r)
                for r in rows]


def accounts_and_agent(p):
    """Accounts rich and poor (empty), a key of each, one connected agent:
    (agent id, rich's key, poor's key)."""
    for name in ("rich", "poor"):
        assert p.admin("accounts", "add", name).returncode == 0
    agent, _ = p.register(1)
    p.start_agent(1)
    wait_for(lambda: p.admin_json("agents", "list")[0]["connected"] == 1, 30,
             "the agent to connect")
    return agent, p.key_for("r", "rich"), p.key_for("p", "poor")


def fund_and_measure(p, agent, key_rich, key_poor):
    """Grant poor the first day and rich ten, make a measurement of each on
    agent, then leave poor one result's worth; (poor's, rich's measurement)."""
    p.transfer("default", "poor", FIRST_DAY)
    p.transfer("default", "rich", 10 * FIRST_DAY)
    made = []
    for key in (key_poor, key_rich):
        r = p.create(key, agent)
        assert r["status"] == 201, r
        made.append(json.loads(r["text"])["measurements"][0])
    p.transfer("poor", "default", FIRST_DAY - PRICE)
    return made[0], made[1]


def test_running_dry_stops_only_that_account_and_kill9_keeps_the_ledger_exact():
    p = CreditsPlatform()
    try:
        p.start_controller("--api", API)
        wait_for(lambda: "API on https://" in p.controller.text(), 10, "the API to start")
        agent, key_rich, key_poor = accounts_and_agent(p)
        # Nothing to pay with: refused, RIPE's error shape, nothing stored.
        r = p.create(key_poor, agent)
        assert r["status"] == 400 and "Not enough credits" in r["text"], r
        assert json.loads(r["text"])["error"]["status"] == 400
        assert p.sql("SELECT COUNT(*) FROM measurements")[0][0] == 0
        # The operator grants exactly the first day: accepted at the edge,
        # then takes all but one result's worth back: poor runs dry at its first result
        poor_msm, rich_msm = fund_and_measure(p, agent, key_rich, key_poor)
        wait_for(lambda: p.sql("SELECT stopped FROM measurements WHERE id = ?",
                               poor_msm)[0][0] is not None, 90, "poor's measurement to stop")
        reason = p.sql("SELECT reason FROM credit_stopped WHERE msm_id = ?", poor_msm)
        assert reason and "ran out of credits" in reason[0][0], reason
        assert f"measurement {poor_msm} stopped: the account ran out of credits" in \
            p.controller.text()
        assert p.balance("poor") <= 0
        st = json.loads(p.http("GET", f"/api/v2/measurements/{poor_msm}/", key=key_poor)["text"])
        assert st["status"]["name"] == "Stopped", st["status"]
        assert "ran out of credits" in st["status"]["reason"], st["status"]
        shown = p.http("GET", "/api/v2/credits/", key=key_poor)
        assert shown["status"] == 200, shown
        c = json.loads(shown["text"])
        assert c["current_balance"] == p.balance("poor")
        assert c["past_day_credits_spent"] == PRICE * c["past_day_measurement_results"] > 0
        # rich's measurement on the same probe is untouched
        assert p.sql("SELECT stopped FROM measurements WHERE id = ?", rich_msm)[0][0] is None
        assert rich_msm not in [m for (m,) in p.sql("SELECT msm_id FROM credit_stopped")]

        # kill -9 while rich's results are charged, restart, more results
        def rich_results():
            return p.sql("SELECT COUNT(*) FROM results WHERE msm_id = ?", rich_msm)[0][0]
        wait_for(lambda: rich_results() >= 1, 60, "rich's results")
        p.controller.kill9()
        p.start_controller("--api", API)
        before = rich_results()
        wait_for(lambda: rich_results() >= before + 1, 90, "results after the restart")

        # the ledger balances against the stored results, measurement by measurement
        for msm in (poor_msm, rich_msm):
            stored = p.sql("SELECT COUNT(*) FROM results WHERE msm_id = ?", msm)[0][0]
            n, total = p.sql("SELECT COUNT(*), coalesce(SUM(amount), 0) FROM credit_ledger"
                             " WHERE reason = 'result' AND msm_id = ?", msm)[0]
            assert (n, total) == (stored, -PRICE * stored), (msm, stored, n, total)
        assert p.sql("SELECT COUNT(*) FROM credit_ledger GROUP BY ref HAVING COUNT(*) > 1") == []
        ledger = p.admin_json("credits", "ledger", "poor")
        assert sum(e["amount"] for e in ledger) == p.balance("poor")
        assert p.controller.stop() == 0
        assert sanitizer_clean(p.controller.text()), p.controller.text()[-3000:]
    finally:
        p.close()


def pg_stopped(p, msm):
    # (psql prints a lone NULL as an empty line, which reads as no row: coalesce)
    return p.sql("SELECT coalesce(stopped, 0) FROM measurements WHERE id = ?", msm)[0][0] != 0


def run_dry_on_postgresql(p, refused_first=False):
    """On p's started controller (PostgreSQL store): accounts rich and poor,
    a measurement of each on one agent; poor is left one result's credits
    and must be stopped with the reason, rich runs on. With refused_first,
    poor's first measurement is refused while its account is empty."""
    agent, key_rich, key_poor = accounts_and_agent(p)
    if refused_first:
        r = p.create(key_poor, agent)
        assert r["status"] == 400 and "Not enough credits" in r["text"], r
        assert p.sql("SELECT COUNT(*) FROM measurements")[0][0] == 0
    poor_msm, rich_msm = fund_and_measure(p, agent, key_rich, key_poor)
    wait_for(lambda: pg_stopped(p, poor_msm), 90, "poor's measurement to stop")
    reason = p.pg.psql("vantage", f"SELECT reason FROM credit_stopped WHERE msm_id = {poor_msm}")
    assert reason and "ran out of credits" in reason[0][0], reason
    assert p.balance("poor") <= 0
    assert not pg_stopped(p, rich_msm)
    wait_for(lambda: p.sql("SELECT COUNT(*) FROM results WHERE msm_id = ?",
                           rich_msm)[0][0] >= 1, 60, "rich's results")
    return poor_msm, rich_msm


def assert_ledger_balances(p):
    """Each measurement's result charges equal its stored results, each charged once."""
    for (msm,) in p.sql("SELECT id FROM measurements"):
        stored = p.sql("SELECT COUNT(*) FROM results WHERE msm_id = ?", msm)[0][0]
        n, total = p.sql("SELECT COUNT(*), coalesce(SUM(amount), 0) FROM credit_ledger"
                         " WHERE reason = 'result' AND msm_id = ?", msm)[0]
        assert (n, total) == (stored, -PRICE * stored), (msm, stored, n, total)
    assert p.sql("SELECT COUNT(*) FROM credit_ledger GROUP BY ref HAVING COUNT(*) > 1") == []


# 66 s at load 30 (the throwaway cluster is most of it), over the suite's budget
# for new lab tests: it runs with VANTAGE_LONG=1; in CI the same rules on
# PostgreSQL are checked by the unit test controller_credits_on_pg.
@pytest.mark.skipif(pg_bin() is None, reason="PostgreSQL is not installed")
@pytest.mark.skipif(os.environ.get("VANTAGE_LONG") != "1", reason="long: set VANTAGE_LONG=1")
def test_running_dry_stops_only_that_account_on_postgresql():
    pg = TempPostgres(RUN_USER, port=20000 + (os.getpid() + 7907) % 20000)
    p = None
    try:
        p = CreditsPlatform(prefix="vcp", pg=pg)
        p.start_controller("--api", API)
        wait_for(lambda: "API on https://" in p.controller.text(), 10, "the API to start")
        run_dry_on_postgresql(p, refused_first=True)
        p.assert_clean_stop()
        assert_ledger_balances(p)
    finally:
        if p:
            p.close()
        pg.close()
