// api: the RIPE Atlas API of the same origin, with the key the user entered
// (kept in this browser's localStorage, sent as "Authorization: Key ...").

const KEY = 'vantage.key';

export function key() { return localStorage.getItem(KEY) || ''; }
export function setKey(k) { k ? localStorage.setItem(KEY, k) : localStorage.removeItem(KEY); }

export class ApiError extends Error {
  constructor(status, detail) { super(`${status}: ${detail}`); this.status = status; }
}

function headers() {
  const hd = {Accept: 'application/json'};
  if (key()) hd.Authorization = `Key ${key()}`;
  return hd;
}

// GET a path below /api/v2/ (or an absolute /api/... path) with params.
export async function get(path, params = {}) {
  const url = new URL(path.startsWith('/') ? path : `/api/v2/${path}`, location.origin);
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, v);
  const r = await fetch(url, {headers: headers()});
  let body = null;
  try { body = await r.json(); } catch { body = null; }
  if (!r.ok) throw new ApiError(r.status, body?.error?.detail || r.statusText);
  return body;
}

// Every row of a paged listing, up to max rows. The API's "next" links name
// its own address, which may not be the one this page came from: only their
// path and query are followed.
export async function all(path, params = {}, max = 20000) {
  let page = await get(path, {...params, page_size: 500});
  const rows = [...page.results];
  while (page.next && rows.length < max) {
    const next = new URL(page.next);
    page = await get(next.pathname + next.search);
    rows.push(...page.results);
  }
  return rows;
}
