// timeline: a vantage point's connections over a period as a bar (connected
// spans filled, gaps empty, each disconnect's reason in a tooltip), and its
// uptime per UTC day over the same period.
import {s, scale, ticks, timeLabel} from './svg.js';
import {h, table, when, duration} from './dom.js';

const W = 900, H = 64, L = 8, R = 8;

// Connected spans [{from, to, reason}] within [t0, t1] (an open session runs to t1).
export function spans(sessions, t0, t1) {
  return sessions.map(x => ({from: Math.max(t0, x.connected), to: Math.min(t1, x.disconnected ?? t1),
                             reason: x.reason, open: x.disconnected === null}))
    .filter(x => x.to > x.from);
}

// The share of each UTC day in [t0, t1] spent connected: [{day, share}].
export function uptimeByDay(sp, t0, t1) {
  const out = [];
  for (let d = Math.floor(t0 / 86400) * 86400; d < t1; d += 86400) {
    const a = Math.max(d, t0), b = Math.min(d + 86400, t1);
    const up = sp.reduce((sum, x) => sum + Math.max(0, Math.min(b, x.to) - Math.max(a, x.from)), 0);
    out.push({day: d, share: b > a ? up / (b - a) : 0, seconds: up});
  }
  return out;
}

export function timeline(sessions, t0, t1) {
  const sp = spans(sessions, t0, t1), x = scale(t0, t1, L, W - R);
  const svg = s('svg', {viewBox: `0 0 ${W} ${H}`, width: W, role: 'img', id: 'connection-timeline',
                        'aria-label': `${sp.length} connections in the period`},
    s('rect', {x: L, y: 8, width: W - L - R, height: 26, fill: '#f2f2f2'}),
    sp.map(p => s('rect', {class: 'connected', x: x(p.from), y: 8, width: Math.max(1, x(p.to) - x(p.from)),
                           height: 26, fill: '#1a7f37'},
      s('title', {}, `connected ${when(p.from)} – ${p.open ? 'now' : when(p.to)}` +
                     (p.open ? '' : `, then ${p.reason || 'disconnected'}`)))),
    ticks(t0, t1, 6).map(v => s('text', {x: x(v), y: 52, 'text-anchor': 'middle'}, timeLabel(v, t1 - t0))));
  const days = uptimeByDay(sp, t0, t1);
  return h('div', {}, h('figure', {}, svg),
    table([{title: 'Day (UTC)', cell: d => new Date(d.day * 1000).toISOString().slice(0, 10)},
           {title: 'Uptime', num: true, cell: d => `${(100 * d.share).toFixed(1)} %`},
           {title: 'Connected', num: true, cell: d => duration(d.seconds)}], days.reverse()));
}
