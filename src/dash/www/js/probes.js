// probes: the list of vantage points with their state, role, kind (metal or
// VM), uptime, last connection and timing flags; filter and search in the
// page, first 500 rows drawn, the rest on demand. The first page of the API
// is drawn as soon as it arrives; the others follow in the background.
import {pages} from './api.js';
import {h, fill, table, when, duration, stateOf, stateWord, kindOf, status, select} from './dom.js';
import {every} from './live.js';

const SHOWN = 500;

function uptimeShare(p) {
  if (!p.first_connected) return null;
  const life = Date.now() / 1000 - p.first_connected;
  return life > 0 ? Math.min(1, (p.total_uptime || 0) / life) : null;
}

function flags(p) {
  const f = (p.tags || []).map(t => t.slug || t).filter(t => t.startsWith('timing-'));
  return f.map(t => h('span', {class: 'flag'}, t.slice(7)));
}

const COLUMNS = [
  {title: 'ID', num: true, cell: p => h('a', {href: `#/probe/${p.id}`}, p.id)},
  {title: 'Description', cell: p => p.description || ''},
  {title: 'State', cell: p => stateWord(p)},
  {title: 'Role', cell: p => p.is_anchor ? 'anchor' : 'probe'},
  {title: 'Kind', cell: p => kindOf(p)},
  {title: 'Address', cell: p => p.address_v4 || p.address_v6 || ''},
  {title: 'Uptime', num: true, cell: p => {
    const u = uptimeShare(p);
    return u === null ? '–' : `${(100 * u).toFixed(1)} % (${duration(p.total_uptime)})`;
  }},
  {title: 'Last seen', cell: p => stateOf(p) === 'Connected' ? 'now' : when(p.last_connected)},
  {title: 'Timing', cell: p => flags(p)},
];

function matches(p, text, state, role) {
  if (state && stateOf(p) !== state) return false;
  if (role && (p.is_anchor ? 'anchor' : 'probe') !== role) return false;
  if (!text) return true;
  const hay = [p.id, p.description, p.address_v4, p.address_v6, p.country_code,
               ...(p.tags || []).map(t => t.slug || t)].join(' ').toLowerCase();
  return text.toLowerCase().split(/\s+/).every(w => hay.includes(w));
}

// Read every probe into list (replacing what it held once the first page is
// in), calling drawn(more) after each of the first page and the last.
async function load(list, drawn) {
  const it = pages('probes/');
  const first = await it.next();
  const fresh = [...(first.value || [])];
  list.splice(0, list.length, ...fresh);
  drawn(!first.done);
  for await (const part of it) fresh.push(...part);
  list.splice(0, list.length, ...fresh);
  drawn(false);
}

export async function probesView(main) {
  const probes = [];
  let loading = true;
  const search = h('input', {id: 'probe-search', type: 'search', placeholder: 'id, name, address, tag'});
  const state = select('probe-state', 'State', ['Connected', 'Disconnected', 'Abandoned', 'Never Connected']);
  const role = select('probe-role', 'Role', ['probe', 'anchor']);
  const count = h('p', {class: 'muted', id: 'probe-count'});
  const list = h('div', {id: 'probe-list'});
  let limit = SHOWN;
  const draw = () => {
    const rows = probes.filter(p => matches(p, search.value, state.querySelector('select').value,
                                            role.querySelector('select').value));
    count.textContent = `${rows.length} of ${probes.length} vantage points${loading ? ' (loading more…)' : ''}`;
    const more = rows.length > limit ?
      h('button', {class: 'more', onclick: () => { limit += SHOWN; draw(); }},
        `show ${Math.min(SHOWN, rows.length - limit)} more`) : null;
    fill(list, table(COLUMNS, rows.slice(0, limit)), more);
  };
  for (const el of [search, state, role]) el.addEventListener('input', () => { limit = SHOWN; draw(); });
  fill(main, h('h1', {}, 'Vantage points'),
    h('div', {class: 'filters'}, h('label', {for: 'probe-search'}, 'Search', search), state, role),
    count, list);
  const redraw = more => { loading = more; draw(); };
  // the view is shown once the first page is drawn; the rest loads behind it
  // marks for bench/dashboard: when the first rows and the whole list were drawn
  await new Promise((shown, failed) => {
    load(probes, more => {
      redraw(more);
      performance.mark(more ? 'vantage:first-rows' : 'vantage:list-loaded');
      shown();
    }).catch(e => { failed(e); status(e.message, true); });
  });
  every(30000, () => load(probes, redraw).catch(e => status(e.message, true)));
}
