// ping_chart: RTT over time, one colour per vantage point: a band from the
// least to the greatest RTT of each result, the median as a line, every
// result a point with its figures in a tooltip. Also the timing-quality
// chart of a vantage point (timer lateness over time, flagged reports red).
import {s, scale, ticks, timeLabel, colour} from './svg.js';
import {h, ms, when, median} from './dom.js';

const BAD = '#c62828';
const W = 900, H = 300, M = {l: 52, r: 12, t: 12, b: 28};

// A colour swatch for a legend (set through the CSSOM: the page's policy
// allows no inline style attributes).
export function swatch(c) {
  const i = h('i');
  i.style.background = c;
  return i;
}

// One ping result as {t, min, med, max, sent, rcvd}, or null without replies.
export function pingPoint(r) {
  const rtts = (r.result || []).map(x => x.rtt).filter(x => typeof x === 'number');
  if (!rtts.length) return null;
  return {t: r.timestamp, min: Math.min(...rtts), med: median(rtts), max: Math.max(...rtts),
          sent: r.sent, rcvd: r.rcvd};
}

// The frame (axes, grid, labels) of a time chart; returns {svg, x, y}.
function frame(t0, t1, y1, yTitle) {
  const x = scale(t0, t1, M.l, W - M.r), y = scale(0, y1, H - M.b, M.t);
  const grid = ticks(0, y1).map(v => [
    s('line', {class: 'grid', x1: M.l, x2: W - M.r, y1: y(v), y2: y(v)}),
    s('text', {x: M.l - 6, y: y(v) + 4, 'text-anchor': 'end'}, v)]);
  const span = t1 - t0;
  const xt = ticks(t0, t1, 6).map(v => s('text', {x: x(v), y: H - 8, 'text-anchor': 'middle'}, timeLabel(v, span)));
  const svg = s('svg', {viewBox: `0 0 ${W} ${H}`, width: W, role: 'img'},
    grid, xt, s('line', {class: 'axis', x1: M.l, x2: M.l, y1: M.t, y2: H - M.b}),
    s('text', {x: 4, y: M.t + 4, transform: `rotate(-90 10 ${H / 2})`}, yTitle));
  return {svg, x, y};
}

// series: [{label, points: [{t, min, med, max, sent, rcvd}]}] -> a figure.
export function rttChart(series) {
  const pts = series.flatMap(se => se.points);
  if (!pts.length) return h('p', {class: 'muted'}, 'no replies in this period');
  let t0 = Math.min(...pts.map(p => p.t)), t1 = Math.max(...pts.map(p => p.t));
  if (t1 - t0 < 60) { t0 -= 30; t1 += 30; }
  const top = Math.max(...pts.map(p => p.max)) * 1.1 || 1;
  const {svg, x, y} = frame(t0, t1, top, 'RTT (ms)');
  series.forEach((se, i) => {
    const c = colour(i), p = [...se.points].sort((a, b) => a.t - b.t);
    if (p.length > 1) {
      const band = [...p.map(q => `${x(q.t)},${y(q.max)}`), ...[...p].reverse().map(q => `${x(q.t)},${y(q.min)}`)];
      svg.append(s('polygon', {class: 'band', fill: c, points: band.join(' ')}));
      svg.append(s('polyline', {class: 'median', stroke: c, points: p.map(q => `${x(q.t)},${y(q.med)}`).join(' ')}));
    }
    for (const q of p)
      svg.append(s('g', {class: 'rtt-point', 'data-probe': se.label},
        s('line', {x1: x(q.t), x2: x(q.t), y1: y(q.min), y2: y(q.max), stroke: c}),
        s('circle', {cx: x(q.t), cy: y(q.med), r: 2.6, fill: c},
          s('title', {}, `${se.label} ${when(q.t)}: min ${ms(q.min)} median ${ms(q.med)} max ${ms(q.max)} ms, ${q.rcvd}/${q.sent} replies`))));
  });
  svg.setAttribute('aria-label', `RTT over time for ${series.length} vantage points`);
  const legend = h('p', {class: 'legend'}, series.map((se, i) => h('span', {}, swatch(colour(i)), se.label)));
  return h('figure', {class: 'rtt-chart'}, svg, legend);
}

// rows: [{time, flags, report}] from /probes/ID/timing/ -> a figure.
export function timingChart(rows) {
  const pts = rows.map(r => ({t: r.time, v: r.report?.timer?.late_p99_us ?? 0, flags: r.flags || []}));
  let t0 = Math.min(...pts.map(p => p.t)), t1 = Math.max(...pts.map(p => p.t));
  if (t1 - t0 < 60) { t0 -= 30; t1 += 30; }
  const top = Math.max(1, ...pts.map(p => p.v)) * 1.1;
  const {svg, x, y} = frame(t0, t1, top, 'timer late p99 (µs)');
  svg.append(s('polyline', {class: 'median', stroke: colour(0), points: pts.map(p => `${x(p.t)},${y(p.v)}`).join(' ')}));
  for (const p of pts)
    svg.append(s('circle', {cx: x(p.t), cy: y(p.v), r: 3, fill: p.flags.length ? BAD : colour(0)},
      s('title', {}, `${when(p.t)}: ${p.v} µs${p.flags.length ? ', flags ' + p.flags.join(', ') : ''}`)));
  svg.setAttribute('aria-label', 'timer lateness over time');
  return h('figure', {class: 'timing-chart'}, svg);
}
