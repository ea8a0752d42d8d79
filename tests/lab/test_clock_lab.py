"""A step of an agent's wall clock (its test clock file, util/wallclock.h;
the host's clock is never touched) changes nothing but the labels: after a
step back or forward the agent goes on measuring at its cadence (its timers
count from the slot that fired, not from the wall clock, so it never waits a
step out), and nothing is lost or doubled."""
import os
import time

import pytest

from platform_lab import Platform, sanitizer_clean, wait_for

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces")


@pytest.fixture
def lab():
    p = Platform(prefix="vck")
    yield p
    p.close()


@pytest.mark.parametrize("step", [-600, 600])
def test_clock_step_does_not_stall_measuring(lab, step):
    clock = lab.dir / "agent1.clock"
    clock.write_text("0\n")
    lab.start_controller()
    aid, _ = lab.register(1, timing_interval=0)
    os.environ["VANTAGE_TEST_CLOCK"] = str(clock)
    try:
        agent = lab.start_agent(1)
    finally:
        del os.environ["VANTAGE_TEST_CLOCK"]
    p = lab.admin("measurement", "create", "--type", "ping", "--target", "198.18.0.1",
                  "--agents", aid, "--interval", 1, "--def", '{"fake_ms": 5}')
    assert p.returncode == 0, p.stderr
    wait_for(lambda: lab.stored().get(aid, (0,))[0] >= 3, 20, "first results")
    clock.write_text(f"{step}\n")
    time.sleep(3)
    clock.write_text("0\n")
    n = lab.stored()[aid][0]
    wait_for(lambda: lab.stored()[aid][0] >= n + 5, 15,
             f"results again after a step of {step} s")
    assert lab.admin("measurement", "stop", p.stdout.strip()).returncode == 0
    time.sleep(1.5)
    assert agent.stop() == 0
    produced = lab.spool_next_seq(1) - 1
    assert lab.stored()[aid] == (produced, 1, produced)
    assert sanitizer_clean(agent.text())
