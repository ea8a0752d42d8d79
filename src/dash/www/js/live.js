// live: run a refresh every few seconds while the page shows the view that
// asked for it; stopped when the view changes. A refresh that is still
// running (a slow API, a long listing) is not started again on top of itself.

let timers = [];

// Call fn (which may return a promise) every ms milliseconds, skipped while
// the tab is hidden or the previous call has not finished.
export function every(ms, fn) {
  let busy = false;
  const t = setInterval(async () => {
    if (document.hidden || busy) return;
    busy = true;
    try { await fn(); } catch { /* the next round tries again */ } finally { busy = false; }
  }, ms);
  timers.push(t);
}

// Stop every refresh of the view that is going away.
export function stopAll() {
  timers.forEach(clearInterval);
  timers = [];
}
