// measurement: one measurement. Ping: RTT over time per vantage point and a
// table of the latest results. Traceroute: the latest paths as a graph, and
// the path changes seen in the period. ?probe=N narrows it to one vantage
// point (the anchor mesh opens a pair this way). New results appear by
// themselves (live.js).
import {get} from './api.js';
import {h, fill, table, when, ms} from './dom.js';
import {every} from './live.js';
import {pingPoint, rttChart} from './ping_chart.js';
import {traceGraph, pathKey} from './trace_graph.js';

const PERIODS = [['last hour', 3600], ['last day', 86400], ['last week', 7 * 86400]];

function facts(m) {
  const row = (k, v) => [h('dt', {}, k), h('dd', {}, v)];
  return h('dl', {class: 'facts'},
    row('Type', `${m.type}${m.protocol ? ' ' + m.protocol : ''}, IPv${m.af}`),
    row('Target', m.target || m.target_ip || ''),
    row('Description', m.description || ''),
    row('Status', m.status?.name || ''),
    row('Schedule', m.is_oneoff ? 'one-off' : `every ${m.interval} s`),
    row('Started', when(m.start_time)),
    row('Vantage points', m.participant_count ?? ''));
}

function byProbe(results) {
  const groups = new Map();
  for (const r of results) {
    if (!groups.has(r.prb_id)) groups.set(r.prb_id, []);
    groups.get(r.prb_id).push(r);
  }
  for (const g of groups.values()) g.sort((a, b) => a.timestamp - b.timestamp);
  return [...groups.entries()].sort((a, b) => a[0] - b[0]);
}

function pingParts(results) {
  const groups = byProbe(results);
  const series = groups.map(([prb, rs]) => ({label: `probe ${prb}`, points: rs.map(pingPoint).filter(Boolean)}));
  const latest = groups.map(([, rs]) => rs[rs.length - 1]);
  return [h('h2', {}, 'RTT over time'), rttChart(series),
    h('h2', {}, 'Latest results'),
    table([
      {title: 'Vantage point', num: true, cell: r => h('a', {href: `#/probe/${r.prb_id}`}, r.prb_id)},
      {title: 'Time', cell: r => when(r.timestamp)},
      {title: 'From', cell: r => r.from || r.src_addr || ''},
      {title: 'Sent', num: true, cell: r => r.sent},
      {title: 'Received', num: true, cell: r => r.rcvd},
      {title: 'Min', num: true, cell: r => ms(r.min)},
      {title: 'Avg', num: true, cell: r => ms(r.avg)},
      {title: 'Max', num: true, cell: r => ms(r.max)},
    ], latest)];
}

function changes(groups) {
  const out = [];
  for (const [prb, rs] of groups) {
    let last = null;
    for (const r of rs) {
      const k = pathKey(r);
      if (last !== null && k !== last) out.push({prb, t: r.timestamp, from: last, to: k});
      last = k;
    }
  }
  return out.sort((a, b) => b.t - a.t);
}

function traceParts(results) {
  const groups = byProbe(results);
  const latest = groups.map(([, rs]) => rs[rs.length - 1]);
  const ch = changes(groups);
  return [h('h2', {}, 'Latest paths'), traceGraph(latest),
    h('h2', {}, 'Path changes in this period'),
    ch.length ? table([
      {title: 'Vantage point', num: true, cell: c => h('a', {href: `#/probe/${c.prb}`}, c.prb)},
      {title: 'Time', cell: c => when(c.t)},
      {title: 'Before', cell: c => c.from},
      {title: 'After', cell: c => c.to},
    ], ch) : h('p', {class: 'muted', id: 'no-changes'}, `no change among ${results.length} results`)];
}

export async function measurementView(main, id, probe) {
  let m = await get(`measurements/${id}/`);
  let period = 86400;
  const about = h('div', {}, facts(m)), body = h('div', {id: 'msm-body'});
  const choose = h('select', {id: 'period', 'aria-label': 'period'},
    PERIODS.map(([label, secs]) => h('option', {value: secs, selected: secs === period}, label)));
  const draw = async () => {
    const start = Math.floor(Date.now() / 1000) - period;
    const results = await get(`measurements/${id}/results/`, {start, probe_ids: probe});
    m = await get(`measurements/${id}/`);
    fill(about, facts(m));
    fill(body, h('p', {class: 'muted', id: 'result-count'},
                 `${results.length} result${results.length === 1 ? '' : 's'}`),
      m.type === 'ping' ? pingParts(results) : m.type === 'traceroute' ? traceParts(results)
        : h('p', {}, `${m.type}: no view for this type`));
  };
  choose.addEventListener('change', () => { period = +choose.value; draw(); });
  fill(main, h('h1', {}, `Measurement ${m.id}${probe ? ` from vantage point ${probe}` : ''}`), about,
    h('div', {class: 'filters'}, h('label', {}, 'Period', choose)), body);
  await draw();
  every(5000, draw);
}
