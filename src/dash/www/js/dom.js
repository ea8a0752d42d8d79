// dom: build elements without innerHTML (the data come from agents and
// users, so nothing is ever parsed as markup), and format values.

// h('a', {href: '#/x', class: 'c'}, 'text', child, ...): a new element.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

// Append children (strings, numbers, nodes, nested arrays; null skipped).
export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// Replace everything in el with children.
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

// A Unix time, or an ISO 8601 one (a RIPE status's "since"), as
// "2026-12-02 01:23:45 UTC"; "never" for null.
export function when(ts) {
  if (ts === null || ts === undefined) return 'never';
  const d = new Date(typeof ts === 'string' ? ts : ts * 1000);
  return isNaN(d) ? String(ts) : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

// Seconds as "3d 4h", "5h 12m", "42s".
export function duration(s) {
  if (s === null || s === undefined) return '–';
  s = Math.max(0, Math.round(s));
  const d = Math.floor(s / 86400), hh = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
  if (d) return `${d}d ${hh}h`;
  if (hh) return `${hh}h ${m}m`;
  if (m) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

// Milliseconds with a sensible precision.
export function ms(v) {
  if (v === null || v === undefined || v < 0) return '–';
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

// A table of rows: cols are [{title, num?, cell(row) -> node|string}].
export function table(cols, rows, caption) {
  const head = h('tr', {}, cols.map(c => h('th', {scope: 'col', class: c.num ? 'num' : null}, c.title)));
  const body = rows.map(r => h('tr', {}, cols.map(c => h('td', {class: c.num ? 'num' : null}, c.cell(r)))));
  return h('div', {class: 'tablewrap'},
    h('table', {}, caption ? h('caption', {class: 'muted'}, caption) : null,
      h('thead', {}, head), h('tbody', {}, body)));
}

// Show a line in the status bar; error lines stand out.
export function status(text, isError = false) {
  const el = document.getElementById('status');
  el.textContent = text;
  el.classList.toggle('error', isError);
}

// The state name of a probe object ("Connected", "Abandoned", ...).
export function stateOf(p) {
  return p.status?.name ?? 'Unknown';
}

// A state as a coloured word.
export function stateWord(p) {
  const name = stateOf(p);
  return h('span', {class: `state-${name.split(' ')[0]}`}, name);
}

// "VM" or "metal" from RIPE's system-virtual tag, else from a virtual field.
export function kindOf(p) {
  const tags = (p.tags || []).map(t => t.slug || t);
  if (tags.includes('system-virtual') || p.virtual === true) return 'VM';
  if (tags.includes('system-metal') || p.virtual === false) return 'metal';
  return '–';
}

// The median of numbers; null for none.
export function median(xs) {
  const v = [...xs].sort((a, b) => a - b), n = v.length;
  return n ? (n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2) : null;
}

// A labelled filter <select id> with "all" first, then options.
export function select(id, label, options) {
  return h('label', {}, label,
    h('select', {id}, h('option', {value: ''}, 'all'), options.map(o => h('option', {value: o}, o))));
}
