"""firstrender: load the dashboard's vantage point list in headless Chromium
and print what it cost: time from navigation start to the first rows drawn
(performance.now() read by the page once the rows exist), the bytes
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
return {ms: performance.now(), count: document.getElementById('probe-count').textContent,
        files: nav.encodedBodySize + res.filter(r => !r.name.includes('/api/v2/')).reduce((s, r) => s + r.encodedBodySize, 0),
        api: api.reduce((s, r) => s + r.encodedBodySize, 0), requests: res.length + 1};
"""


def one(d, base):
    d.get(base + "/dashboard/#/probes")
    WebDriverWait(d, 120, poll_frequency=0.02).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#probe-list tbody tr"))
    return d.execute_script(COST)


def main(base, runs):
    with tempfile.TemporaryDirectory(prefix="vdash-bench-") as profile:
        d = browser(profile)
        try:
            got = [one(d, base) for _ in range(runs)]
        finally:
            d.quit()
    for i, g in enumerate(got):
        print(f"run {i + 1}: first rows after {g['ms']:.0f} ms; {g['count']};"
              f" dashboard files {g['files'] / 1024:.1f} KiB, API JSON {g['api'] / 1024:.1f} KiB,"
              f" {g['requests']} requests")
    ms = sorted(g["ms"] for g in got)
    print(json.dumps({"first_render_ms_median": ms[len(ms) // 2], "files_kib": got[-1]["files"] / 1024,
                      "api_kib": got[-1]["api"] / 1024}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3)
