// trace_graph: traceroute paths as a graph: a column per hop, a node per
// address that answered at that hop (so ECMP branches stand side by side; a
// router that vantage points see at different distances appears once per
// distance), a "*" node where nothing answered, an edge between the answers of consecutive
// hops of one result, and each node's median RTT. Nodes carry their address
// and hop in data- attributes, which the browser test compares with the
// lab's ground truth.
import {s} from './svg.js';
import {h, ms, median} from './dom.js';

const COL = 160, ROW = 46, NW = 136, NH = 34, PAD = 10;

// The answering addresses and RTTs of one hop; {silent: true} when none.
function answers(hop) {
  const rs = (hop.result || []).filter(x => x.from);
  return {addrs: [...new Set(rs.map(x => x.from))], rtts: rs.filter(x => typeof x.rtt === 'number')};
}

// Nodes {key, addr, hop, rtts[], dest} and edges {from, to} of the results.
export function traceModel(results) {
  const nodes = new Map(), edges = new Map();
  const node = (key, addr, hop) => {
    if (!nodes.has(key)) nodes.set(key, {key, addr, hop, rtts: [], dest: false, order: nodes.size});
    return nodes.get(key);
  };
  for (const r of results) {
    let prev = [];
    for (const hop of r.result || []) {
      const a = answers(hop);
      const here = a.addrs.length ? a.addrs.map(addr => node(`${addr}@${hop.hop}`, addr, hop.hop))
        : [node(`*${hop.hop}<${prev.map(p => p.key).join(',')}`, '*', hop.hop)];
      for (const x of a.rtts) nodes.get(`${x.from}@${hop.hop}`).rtts.push(x.rtt);
      for (const p of prev) for (const n of here) edges.set(`${p.key}>${n.key}`, {from: p, to: n});
      prev = here;
    }
    for (const p of prev) if (p.addr === r.dst_addr) p.dest = true;
  }
  return {nodes: [...nodes.values()], edges: [...edges.values()]};
}

// The graph of results as an SVG figure.
export function traceGraph(results) {
  const {nodes, edges} = traceModel(results);
  if (!nodes.length) return h('p', {class: 'muted'}, 'no hops yet');
  const cols = new Map();
  for (const n of nodes) {
    if (!cols.has(n.hop)) cols.set(n.hop, []);
    n.row = cols.get(n.hop).push(n) - 1;
  }
  const hops = [...cols.keys()].sort((a, b) => a - b);
  const colOf = new Map(hops.map((hp, i) => [hp, i]));
  const rows = Math.max(...[...cols.values()].map(c => c.length));
  const w = hops.length * COL + PAD, ht = rows * ROW + 24 + PAD;
  const pos = n => ({x: PAD + colOf.get(n.hop) * COL, y: 24 + n.row * ROW});
  const svg = s('svg', {viewBox: `0 0 ${w} ${ht}`, width: w, role: 'img', class: 'trace-graph',
                        'aria-label': `traceroute graph, ${hops.length} hops`},
    hops.map(hp => s('text', {x: PAD + colOf.get(hp) * COL + NW / 2, y: 14, 'text-anchor': 'middle',
                              class: 'muted'}, `hop ${hp}`)));
  for (const e of edges) {
    const a = pos(e.from), b = pos(e.to);
    svg.append(s('path', {class: 'edge', d: `M${a.x + NW},${a.y + NH / 2} C${a.x + NW + 12},${a.y + NH / 2}`
      + ` ${b.x - 12},${b.y + NH / 2} ${b.x},${b.y + NH / 2}`}));
  }
  for (const n of nodes) {
    const p = pos(n), m = median(n.rtts);
    const cls = n.addr === '*' ? 'hop silent' : n.dest ? 'hop dest' : 'hop';
    svg.append(s('g', {class: cls, 'data-addr': n.addr, 'data-hop': n.hop},
      s('rect', {x: p.x, y: p.y, width: NW, height: NH, rx: 4}),
      s('text', {x: p.x + 6, y: p.y + 14}, n.addr),
      s('text', {x: p.x + 6, y: p.y + 28, class: 'muted'}, m === null ? 'no answer' : `${ms(m)} ms`),
      s('title', {}, n.addr === '*' ? `hop ${n.hop}: no answer` : `hop ${n.hop}: ${n.addr}, median ${ms(m)} ms over ${n.rtts.length} replies`)));
  }
  return h('figure', {class: 'tablewrap'}, svg);
}

// The path of one result as text, for comparing results over time.
export function pathKey(r) {
  return (r.result || []).map(hop => answers(hop).addrs.sort().join('|') || '*').join(' ');
}
