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

// The pages of a listing one by one (their rows), up to max rows; see all().
export async function* pages(path, params = {}, max = 20000) {
  let page = await get(path, {...params, page_size: 500});
  let n = page.results.length;
  yield page.results;
  while (page.next && n < max) {
    const next = new URL(page.next);
    page = await get(next.pathname + next.search);
    n += page.results.length;
    yield page.results;
  }
}

// Every row of a paged listing, up to max rows. The API's "next" links name
// its own address, which may not be the one this page came from: only their
// path and query are followed.
export async function all(path, params = {}, max = 20000) {
  const rows = [];
  for await (const part of pages(path, params, max)) rows.push(...part);
  return rows;
}
