// mesh: the anchor mesh as a heat map: a row per anchor that measures, a
// column per anchor measured, each cell the least RTT of the latest ping
// between them; a cell opens that pair's history.
import {all, get} from './api.js';
import {h, fill, ms} from './dom.js';
import {every} from './live.js';
import {s} from './svg.js';
import {pingPoint} from './ping_chart.js';

const CELL = 64, LEFT = 120, TOP = 110;

// Green for the fastest pair, red for the slowest (log scale).
function heat(v, lo, hi) {
  const f = hi > lo ? Math.log(v / lo) / Math.log(hi / lo) : 0;
  return `hsl(${Math.round(120 * (1 - f))}, 65%, ${Math.round(78 - 18 * f)}%)`;
}

// {src anchor id: {dst anchor id: {rtt, msm}}} from the ping measurements toward anchors.
async function matrix(anchors) {
  const byAddr = new Map();
  for (const a of anchors) for (const ad of [a.address_v4, a.address_v6]) if (ad) byAddr.set(ad, a.id);
  const pings = (await all('measurements/', {type: 'ping'})).filter(m => byAddr.has(m.target || m.target_ip));
  const ids = new Set(anchors.map(a => a.id)), cells = {};
  await Promise.all(pings.map(async m => {
    const dst = byAddr.get(m.target || m.target_ip);
    for (const r of await get(`measurements/${m.id}/latest/`)) {
      const p = pingPoint(r);
      if (!ids.has(r.prb_id) || !p) continue;
      const row = cells[r.prb_id] ??= {};
      if (!row[dst] || r.timestamp > row[dst].t) row[dst] = {rtt: p.min, msm: m.id, t: r.timestamp};
    }
  }));
  return cells;
}

function heatMap(anchors, cells) {
  const vals = Object.values(cells).flatMap(r => Object.values(r).map(c => c.rtt));
  const lo = Math.min(...vals), hi = Math.max(...vals), n = anchors.length;
  const name = a => a.description || `anchor ${a.id}`;
  const w = LEFT + n * CELL + 8;
  const svg = s('svg', {viewBox: `0 0 ${w} ${TOP + n * CELL + 8}`, width: w, role: 'img',
                        'aria-label': 'anchor mesh RTT matrix', id: 'mesh-map'},
    s('text', {x: 4, y: 14, class: 'muted'}, 'from ↓  to →'));
  anchors.forEach((a, j) => svg.append(s('text', {x: LEFT + j * CELL + CELL / 2, y: TOP - 8,
    transform: `rotate(-40 ${LEFT + j * CELL + CELL / 2} ${TOP - 8})`}, name(a))));
  anchors.forEach((src, i) => {
    svg.append(s('text', {x: LEFT - 8, y: TOP + i * CELL + CELL / 2 + 4, 'text-anchor': 'end'}, name(src)));
    anchors.forEach((dst, j) => {
      const c = cells[src.id]?.[dst.id], x = LEFT + j * CELL, y = TOP + i * CELL;
      if (!c) {
        svg.append(s('rect', {x, y, width: CELL - 2, height: CELL - 2, fill: '#f2f2f2'}));
        return;
      }
      svg.append(s('a', {href: `#/measurement/${c.msm}?probe=${src.id}`, class: 'cell',
                         'data-src': src.id, 'data-dst': dst.id, 'data-rtt': c.rtt},
        s('rect', {x, y, width: CELL - 2, height: CELL - 2, fill: heat(c.rtt, lo, hi)}),
        s('text', {x: x + CELL / 2 - 1, y: y + CELL / 2 + 4, 'text-anchor': 'middle'}, ms(c.rtt)),
        s('title', {}, `${name(src)} → ${name(dst)}: ${ms(c.rtt)} ms (measurement ${c.msm})`)));
    });
  });
  return h('figure', {}, svg);
}

export async function meshView(main) {
  const draw = async () => {
    const anchors = (await all('anchors/')).sort((a, b) => a.id - b.id);
    const cells = await matrix(anchors);
    const measured = Object.keys(cells).length;
    fill(main, h('h1', {}, 'Anchor mesh'),
      h('p', {class: 'muted'}, `${anchors.length} anchors; least RTT of the latest ping, ms`),
      measured ? heatMap(anchors, cells) : h('p', {class: 'muted'}, 'no ping between anchors that this key may read'));
  };
  await draw();
  every(30000, draw);
}
