// probe: one vantage point: its facts and state, its connections over the
// last week (a timeline and uptime per day, /probes/ID/connections/), its
// timing quality over time (/probes/ID/timing/), its own check-host report
// (hostcheck.js), and the measurements it took part in with its latest
// result of each.
import {get, all} from './api.js';
import {h, fill, table, when, duration, ms, stateWord, kindOf} from './dom.js';
import {every} from './live.js';
import {timingChart} from './ping_chart.js';
import {timeline} from './timeline.js';
import {hostCheckSection} from './hostcheck.js';

const WEEK = 7 * 86400;

function facts(p) {
  const row = (k, v) => [h('dt', {}, k), h('dd', {}, v)];
  return h('dl', {class: 'facts'},
    row('State', [stateWord(p), ` since ${when(p.status?.since)}`]),
    row('Role', p.is_anchor ? 'anchor' : 'probe'),
    row('Kind', kindOf(p)),
    row('Description', p.description || ''),
    row('IPv4', p.address_v4 ? `${p.address_v4} (${p.prefix_v4 || '?'}, AS${p.asn_v4 ?? '?'})` : '–'),
    row('IPv6', p.address_v6 ? `${p.address_v6} (${p.prefix_v6 || '?'}, AS${p.asn_v6 ?? '?'})` : '–'),
    row('Country', p.country_code || '–'),
    row('First connected', when(p.first_connected)),
    row('Last connected', when(p.last_connected)),
    row('Connected in all', duration(p.total_uptime)),
    row('Tags', (p.tags || []).map(t => t.slug || t).join(', ') || '–'));
}

async function timingSection(id) {
  let reports;
  try {
    reports = await get(`probes/${id}/timing/`);
  } catch (e) {
    return h('p', {class: 'muted'}, `timing history not available: ${e.message}`);
  }
  const rows = reports.results || [];
  if (!rows.length) return h('p', {class: 'muted'}, 'no timing report yet');
  const last = rows[rows.length - 1];
  return h('div', {},
    timingChart(rows),
    h('p', {}, 'Latest report ', when(last.time), ': flags ',
      last.flags.length ? last.flags.map(f => h('span', {class: 'flag'}, f)) : 'none'));
}

async function connectionsSection(id) {
  const t1 = Date.now() / 1000, t0 = t1 - WEEK;
  const c = await get(`probes/${id}/connections/`, {start: Math.floor(t0)});
  if (!c.results.length) return h('p', {class: 'muted'}, 'no connection in the last week');
  return timeline(c.results, t0, t1);
}

function summary(r) {
  if (r.type === 'ping') return `${r.rcvd}/${r.sent} replies, min ${ms(r.min)} avg ${ms(r.avg)} ms`;
  if (r.type === 'traceroute') return `${(r.result || []).length} hops to ${r.dst_addr}`;
  return r.type;
}

async function measurementsSection(id) {
  let msms;
  try {
    msms = (await all('measurements/', {}, 2000)).sort((a, b) => b.id - a.id).slice(0, 100);
  } catch (e) {
    return h('p', {class: 'muted'}, `measurements: ${e.message} (an API key shows yours)`);
  }
  const latest = await Promise.all(msms.slice(0, 100).map(m =>
    get(`measurements/${m.id}/latest/`, {probe_ids: id}).then(rs => [m, rs[0]], () => [m, null])));
  const rows = latest.filter(([, r]) => r);
  if (!rows.length) return h('p', {class: 'muted'}, 'no result of this vantage point in your measurements');
  return table([
    {title: 'Measurement', num: true, cell: ([m]) => h('a', {href: `#/measurement/${m.id}?probe=${id}`}, m.id)},
    {title: 'Type', cell: ([m]) => m.type},
    {title: 'Target', cell: ([m]) => m.target || m.target_ip || ''},
    {title: 'Latest', cell: ([, r]) => when(r.timestamp)},
    {title: 'Result', cell: ([, r]) => summary(r)},
  ], rows);
}

export async function probeView(main, id) {
  const draw = async () => {
    const p = await get(`probes/${id}/`);
    fill(main, h('h1', {}, `Vantage point ${p.id}`), facts(p),
      h('h2', {}, 'Connections in the last week'), await connectionsSection(id),
      h('h2', {}, 'Timing quality'), await timingSection(id),
      h('h2', {}, 'Host check'), await hostCheckSection(id),
      h('h2', {}, 'Measurements'), await measurementsSection(id));
  };
  await draw();
  every(30000, draw);
}
