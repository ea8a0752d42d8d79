// live: run a refresh now and then every few seconds while the page shows
// the view that asked for it; stopped when the view changes.

let timers = [];

// Call fn every ms milliseconds (skipped while the tab is hidden).
export function every(ms, fn) {
  const t = setInterval(() => { if (!document.hidden) fn(); }, ms);
  timers.push(t);
}

// Stop every refresh of the view that is going away.
export function stopAll() {
  timers.forEach(clearInterval);
  timers = [];
}
