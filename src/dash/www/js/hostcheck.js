// hostcheck: a vantage point's own check-host report, as its agent sent it
// (/probes/ID/host-report/): the requirements of its role passed, warned or
// failed with what was measured, whether it runs on a virtual machine, and
// the timing figures of the check. The API shows it only with a key.
import {get, key} from './api.js';
import {h, when, table} from './dom.js';

const num = (v, unit) => (v === null || v === undefined ? '–' : `${Math.round(v * 100) / 100} ${unit}`);

function timingFacts(t) {
  if (!t) return h('p', {class: 'muted'}, 'no timing figures in the report');
  const row = (k, v) => [h('dt', {}, k), h('dd', {}, v)];
  return h('dl', {class: 'facts', id: 'host-timing'},
    row('Kernel timestamps', `receive ${t.kernel_ts?.rx ? 'yes' : 'no'}, transmit ${t.kernel_ts?.tx ? 'yes' : 'no'}`),
    row('Timestamp step', num(t.kernel_ts?.step_ns, 'ns')),
    row('Clock resolution', num(t.clock?.res_ns, 'ns')),
    row('Timer lateness p50 / p99', `${num(t.timer?.late_p50_us, 'µs')} / ${num(t.timer?.late_p99_us, 'µs')}`),
    row('CPU steal', t.steal?.ok ? num(t.steal.pct, '%') : 'not measured'),
    row('Clock synchronised', t.sync?.ok ? (t.sync.synced ? `yes (max error ${num(t.sync.maxerror_us, 'µs')})` : 'no') : 'unknown'));
}

// The section for probe id: the report, or a line saying there is none.
export async function hostCheckSection(id) {
  if (!key()) return h('p', {class: 'muted', id: 'host-report-none'}, 'enter an API key above to see its check-host report');
  let r;
  try {
    r = await get(`probes/${id}/host-report/`);
  } catch (e) {
    return h('p', {class: 'muted', id: 'host-report-none'},
      e.status === 404 ? 'this vantage point has sent no check-host report' : `check-host report: ${e.message}`);
  }
  const rep = r.report, s = rep.summary || {}, virt = rep.host?.virt || {};
  return h('div', {id: 'host-report', 'data-received': r.received},
    h('p', {id: 'host-summary', 'data-pass': s.pass, 'data-warn': s.warn, 'data-fail': s.fail},
      `Role ${rep.role}: ${s.pass} passed, ${s.warn} warned, ${s.fail} failed; `,
      virt.virtualised ? `virtual machine (${virt.hypervisor || virt.cpuid_vendor || 'hypervisor'})` : 'not virtualised',
      `, clock source ${virt.clocksource || '?'}; sent ${when(r.received)}`),
    h('div', {id: 'host-checks'}, table([
      {title: 'Requirement', cell: l => l.name},
      {title: 'Result', cell: l => h('span', {class: `check-${l.status}`}, l.status)},
      {title: 'Measured', cell: l => l.value},
      {title: 'Needed', cell: l => l.need},
    ], rep.checks || [])),
    timingFacts(rep.timing));
}
