// live: keep a view current while the page shows it: the API's live stream
// (/stream/, a WebSocket) for new results, and refreshes every few seconds
// for the rest (and for results too, should the stream fail). Stopped when
// the view changes. A refresh that is still running (a slow API, a long
// listing) is not started again on top of itself.
import {key} from './api.js';

let timers = [], sockets = [];

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

// Call onResult(result) for each new result of measurement msm, as the
// stream delivers it; onState(text) says how the stream fares.
export function streamResults(msm, onResult, onState) {
  const url = new URL(`/stream/?key=${encodeURIComponent(key())}`, location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(url);
  sockets.push(ws);
  ws.onopen = () => ws.send(JSON.stringify(['atlas_subscribe', {streamType: 'result', msm: +msm}]));
  ws.onmessage = ev => {
    let type, payload;
    try { [type, payload] = JSON.parse(ev.data); } catch { return; }
    if (type === 'atlas_subscribed') onState('live');
    else if (type === 'atlas_result') onResult(payload);
    else if (type === 'atlas_error') onState(`stream: ${payload?.message || 'error'}`);
  };
  ws.onclose = () => onState('stream closed; refreshing every few seconds');
}

// Stop every refresh and stream of the view that is going away.
export function stopAll() {
  timers.forEach(clearInterval);
  timers = [];
  sockets.forEach(ws => { ws.onclose = null; ws.close(); });
  sockets = [];
}
