"""dash_browser: drive Debian's Chromium (headless, through chromedriver and
python3-selenium) over the dashboard and report what the pages showed.
test_dashboard_lab.py runs it inside the lab namespace where the API
listens (the browser must reach the API's lab address):

    python3 dash_browser.py PLAN.json

PLAN: {"base": "https://ADDR:PORT", "key": KEY, "shots": DIR, "steps": [STEP]}
STEP: {"hash": "#/probes", "wait": CSS, "count": N, "text": [CSS, REGEX],
       "first": CSS, "timeout": S, "extract": {NAME: [CSS, [ATTR|"text", ...]]},
       "scroll": CSS, "shot": NAME, "phone": [W, H], "nav": HASH}
    | {"callback": NAME}
  opens base/dashboard/HASH; with "first", notes the text CSS shows when it
  first appears (to prove later that the page changed by itself); waits
  until CSS matches at least N elements (and, with "text", until CSS's text
  matches REGEX), then extracts each NAME as a list of the matching
  elements' attributes, and saves a PNG (with "scroll", of the part of
  the page where CSS is). With "phone", the page is laid
  out as a phone's (a W x H viewport, mobile) from this step on, and the
  step reports "layout": how far the page scrolls sideways and each nav
  link's box; with "nav", the step then follows the nav link to HASH with
  the keyboard (focus and Enter) and reports the hash it reached.
  A "callback" step hands control to the test while the page stays open: it
  prints {"callback": NAME} as a line and reads a line of JSON, an object
  whose values fill "{KEY}" in the hashes of the steps after it (so a step
  can open what the test made only once the browser was up).
Prints {"steps": [{NAME: [...], "elapsed_ms": ..}], "console": [...]} as JSON;
"console" holds the browser's console messages of level WARNING and above."""
import json
import re
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

# The pages redraw themselves (the live stream, the refreshes): an element
# found a moment ago may be gone; the wait then simply looks again.
RACES = [StaleElementReferenceException]

FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--ignore-certificate-errors", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic",
         "--window-size=1280,900"]


def browser(profile):
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for f in FLAGS + [f"--user-data-dir={profile}"]:
        o.add_argument(f)
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)


def enter_key(d, base, key):
    d.get(base + "/dashboard/")
    field = WebDriverWait(d, 20).until(lambda d: d.find_element(By.ID, "key"))
    field.clear()
    field.send_keys(key)
    d.find_element(By.CSS_SELECTOR, "#keyform button[type=submit]").click()


def ready(d, step):
    els = d.find_elements(By.CSS_SELECTOR, step["wait"])
    if len(els) < step.get("count", 1):
        return False
    if "text" in step:
        css, pattern = step["text"]
        found = d.find_elements(By.CSS_SELECTOR, css)
        return bool(found) and re.search(pattern, found[0].text) is not None
    return True


def extract(d, spec):
    out = {}
    for name, (css, attrs) in spec.items():
        out[name] = [{a: (e.text if a == "text" else e.get_attribute(a)) for a in attrs}
                     for e in d.find_elements(By.CSS_SELECTOR, css)]
    return out


def phone(d, size):
    """Lay pages out as a phone of size [W, H] (CSS pixels) would."""
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": size[0], "height": size[1], "deviceScaleFactor": 2,
                       "mobile": True})


LAYOUT = """
const de = document.documentElement, vw = window.innerWidth;
return {viewport: vw, scroll_width: Math.max(de.scrollWidth, document.body.scrollWidth),
        nav: [...document.querySelectorAll('nav a')].map(a => {
          const r = a.getBoundingClientRect();
          return {href: a.getAttribute('href'), left: r.left, right: r.right,
                  width: r.width, height: r.height};
        })};"""


def follow_nav(d, target):
    """Reach the nav link to target with the keyboard; the hash it lands on."""
    link = d.find_element(By.CSS_SELECTOR, f'nav a[href="{target}"]')
    d.execute_script("arguments[0].focus()", link)
    link.send_keys(Keys.ENTER)
    WebDriverWait(d, 10).until(lambda d: d.execute_script("return location.hash") == target)
    return d.execute_script("return location.hash")


def run_step(d, base, step, shots):
    t0 = time.monotonic()
    if "phone" in step:
        phone(d, step["phone"])
    d.get(base + "/dashboard/" + step["hash"])
    first = None
    if "first" in step:
        first = WebDriverWait(d, 30, poll_frequency=0.1,
                              ignored_exceptions=RACES + [IndexError]).until(
            lambda d: (d.find_elements(By.CSS_SELECTOR, step["first"])[0].text,))[0]
    try:
        WebDriverWait(d, step.get("timeout", 30), poll_frequency=0.2,
                      ignored_exceptions=RACES).until(lambda d: ready(d, step))
    except Exception as e:   # a timeout, or what broke the wait: reported, with a picture
        d.save_screenshot(f"{shots}/{step.get('shot', 'step')}-timeout.png")
        status = d.find_element(By.ID, "status").text
        return {"timeout": True, "error": repr(e)[:300], "status": status,
                "html": d.page_source[-3000:]}
    got = WebDriverWait(d, 10, poll_frequency=0.1, ignored_exceptions=RACES).until(
        lambda d: (extract(d, step.get("extract", {})),))[0]
    out = {"elapsed_ms": round(1000 * (time.monotonic() - t0)), "first": first, **got}
    if "scroll" in step:   # the part of the page the picture is of
        d.execute_script("arguments[0].scrollIntoView()",
                         d.find_element(By.CSS_SELECTOR, step["scroll"]))
    if "shot" in step:
        d.save_screenshot(f"{shots}/{step['shot']}.png")
    if "phone" in step:
        out["layout"] = d.execute_script(LAYOUT)
    if "nav" in step:
        out["reached"] = follow_nav(d, step["nav"])
    return out


def call_back(name):
    """Ask the test to run its callback name; the values it answers with."""
    print(json.dumps({"callback": name}), flush=True)
    line = sys.stdin.readline()
    if not line:
        raise SystemExit(f"dash_browser: no answer to callback {name}")
    return json.loads(line)


def run_steps(d, plan):
    filled, steps = {}, []
    for s in plan["steps"]:
        if "callback" in s:
            filled.update(call_back(s["callback"]))
            steps.append({"callback": s["callback"], **filled})
            continue
        s = {**s, "hash": s["hash"].format(**filled)}
        steps.append(run_step(d, plan["base"], s, plan["shots"]))
    return steps


def main(plan):
    with tempfile.TemporaryDirectory(prefix="vdash-chromium-") as profile:
        d = browser(profile)
        try:
            enter_key(d, plan["base"], plan.get("key", ""))
            steps = run_steps(d, plan)
            console = [e for e in d.get_log("browser") if e["level"] in ("WARNING", "SEVERE")]
        finally:
            d.quit()
    print(json.dumps({"steps": steps, "console": console}))


if __name__ == "__main__":
    main(json.loads(open(sys.argv[1]).read()))
