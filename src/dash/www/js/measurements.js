// measurements: the measurements this key may read, newest first, with
// filters on type, status and text.
import {all} from './api.js';
import {h, fill, table, when, select} from './dom.js';
import {every} from './live.js';

const COLUMNS = [
  {title: 'ID', num: true, cell: m => h('a', {href: `#/measurement/${m.id}`}, m.id)},
  {title: 'Type', cell: m => m.type},
  {title: 'Target', cell: m => m.target || m.target_ip || ''},
  {title: 'Description', cell: m => m.description || ''},
  {title: 'Status', cell: m => m.status?.name || ''},
  {title: 'Probes', num: true, cell: m => m.participant_count ?? m.probes_scheduled ?? ''},
  {title: 'Interval', num: true, cell: m => m.is_oneoff ? 'one-off' : `${m.interval} s`},
  {title: 'Start', cell: m => when(m.start_time)},
];

function matches(m, text, type, status) {
  if (type && m.type !== type) return false;
  if (status && m.status?.name !== status) return false;
  if (!text) return true;
  const hay = [m.id, m.type, m.target, m.target_ip, m.description].join(' ').toLowerCase();
  return text.toLowerCase().split(/\s+/).every(w => hay.includes(w));
}

export async function measurementsView(main) {
  let msms = [];
  const load = async () => { msms = (await all('measurements/')).sort((a, b) => b.id - a.id); };
  await load();
  const search = h('input', {id: 'msm-search', type: 'search', placeholder: 'id, target, description'});
  const type = select('msm-type', 'Type', ['ping', 'traceroute']);
  const status = select('msm-status', 'Status', ['Scheduled', 'Ongoing', 'Stopped', 'No suitable probes']);
  const list = h('div', {id: 'msm-list'});
  const draw = () => {
    const rows = msms.filter(m => matches(m, search.value, type.querySelector('select').value,
                                          status.querySelector('select').value));
    fill(list, h('p', {class: 'muted'}, `${rows.length} of ${msms.length} measurements`), table(COLUMNS, rows));
  };
  for (const el of [search, type, status]) el.addEventListener('input', draw);
  fill(main, h('h1', {}, 'Measurements'),
    h('div', {class: 'filters'}, h('label', {}, 'Search', search), type, status), list);
  draw();
  every(15000, async () => { await load(); draw(); });
}
