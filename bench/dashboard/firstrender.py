"""firstrender: load the dashboard's vantage point list in headless Chromium
and print what it cost: time from navigation start to the first rows drawn
and to the whole list loaded (the page's own performance marks), the bytes
transferred (the page's own files and the API's JSON, from the Resource
Timing API) and the number of rows the list holds.

    python3 firstrender.py https://127.0.0.1:PORT RUNS"""
import json
import sys
import tempfile

sys.path.insert(0, __file__.rsplit("/bench/", 1)[0] + "/tests/lab")
from dash_browser import browser  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

COST = """
const res = performance.getEntriesByType('resource'), nav = performance.getEntriesByType('navigation')[0];
const api = res.filter(r => r.name.includes('/api/v2/'));
const mark = n => performance.getEntriesByName(n)[0]?.startTime ?? performance.now();
return {ms: mark('vantage:list-loaded'), first: mark('vantage:first-rows'), count: document.getElementById('probe-count').textContent,
        files: nav.encodedBodySize + res.filter(r => !r.name.includes('/api/v2/')).reduce((s, r) => s + r.encodedBodySize, 0),
        api: api.reduce((s, r) => s + r.encodedBodySize, 0), requests: res.length + 1,
        slowest: res.map(r => [Math.round(r.duration), Math.round(r.startTime), r.name.replace(location.origin, '')])
                    .sort((a, b) => b[0] - a[0]).slice(0, 4)};
"""


def one(d, base):
    d.get("about:blank")   # a new document each run: its own clock and resource list
    d.get(base + "/dashboard/#/probes")
    WebDriverWait(d, 120, poll_frequency=0.02).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#probe-list tbody tr"))
    WebDriverWait(d, 300, poll_frequency=0.05).until(
        lambda d: "loading" not in d.find_element(By.ID, "probe-count").text)
    whole = d.execute_script(COST)
    return {**whole, "first_ms": whole["first"]}


def main(base, runs):
    with tempfile.TemporaryDirectory(prefix="vdash-bench-") as profile:
        d = browser(profile)
        try:
            got = [one(d, base) for _ in range(runs)]
        finally:
            d.quit()
    for i, g in enumerate(got):
        print(f"run {i + 1}: first 500 rows drawn after {g['first_ms']:.0f} ms,"
              f" the whole list after {g['ms']:.0f} ms ({g['count']});"
              f" dashboard files {g['files'] / 1024:.1f} KiB, API JSON {g['api'] / 1024:.1f} KiB,"
              f" {g['requests']} requests")
        print("  slowest requests (ms taken, ms started, what): "
              + "; ".join(f"{d} {t} {n}" for d, t, n in g["slowest"]))
    first, whole = (sorted(g[k] for g in got)[len(got) // 2] for k in ("first_ms", "ms"))
    print(json.dumps({"first_rows_ms_median": round(first), "whole_list_ms_median": round(whole),
                      "files_kib": round(got[-1]["files"] / 1024, 1),
                      "api_kib": round(got[-1]["api"] / 1024, 1)}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3)
