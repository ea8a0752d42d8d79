// team: one team of team probing (GET /api/v2/teams/ID/): its newest
// cycle's progress, each member's planned rate, share and chunks, the
// chunks handed on after a failure, and the pace so far.
import {get} from './api.js';
import {h, fill, table, when, duration} from './dom.js';
import {every} from './live.js';
import {shareDone} from './teams.js';

// Traceroutes a second so far in the cycle (done targets over its elapsed time).
function pace(doneTargets, cy, now) {
  const end = cy.ended || now;
  return end > cy.started ? (doneTargets / (end - cy.started)).toFixed(2) : '–';
}

function facts(s, now) {
  const t = s.team, cy = s.cycle, tot = s.total;
  const row = (k, v) => [h('dt', {}, k), h('dd', {}, v)];
  const rows = [
    row('State', t.stopped ? `stopped ${when(t.stopped)}` : 'running'),
    row('Members named', t.agents),
    row('Method', `${t.method}, IPv${t.family}`),
    row('Rate', `${t.pps} pps a member (or its site's ceiling if lower)`),
    row('Cycle length', duration(t.cycle_secs)),
    row('Chunk', `${t.chunk} targets`),
    row('Results', h('a', {href: `#/measurement/${t.msm_id}`}, `measurement ${t.msm_id}`)),
  ];
  if (cy) rows.push(
    row('Cycle', h('span', {id: 'team-cycle'}, cy.cycle)),
    row('Started', when(cy.started)),
    row(cy.ended ? 'Ended' : 'Estimated end', when(cy.ended || s.estimated_end)),
    row('Targets done', h('span', {id: 'team-done', 'data-done': tot.done_targets,
                                  'data-targets': tot.targets},
      `${tot.done_targets} of ${tot.targets} (${shareDone(s)})`)),
    row('Chunks done', h('span', {id: 'team-chunks', 'data-done': tot.done_chunks,
                                  'data-chunks': tot.chunks}, `${tot.done_chunks} of ${tot.chunks}`)),
    row('Chunks handed on', tot.reassigned),
    row('Pace', `${pace(tot.done_targets, cy, now)} traceroutes/s`));
  return h('dl', {class: 'facts'}, rows);
}

function member(m) {
  return m.agent_id ? h('a', {href: `#/probe/${m.agent_id}`}, m.agent_id) : 'handed on';
}

function membersTable(s, now) {
  return table([
    {title: 'Vantage point', cell: member},
    {title: 'Rate', num: true, cell: m => m.agent_id ? `${m.rate} pps` : '–'},
    {title: 'Share', num: true, cell: m => m.share},
    {title: 'Chunks done', num: true, cell: m => m.done_chunks},
    {title: 'Chunks out', num: true, cell: m => m.out_chunks},
    {title: 'Targets done', num: true, cell: m => m.done_targets},
    {title: 'Repeats', num: true, cell: m => m.repeats},
    {title: 'Pace /s', num: true, cell: m => pace(m.done_targets, s.cycle, now)},
  ], s.members, 'per member, this cycle');
}

export async function teamView(main, id) {
  const draw = async () => {
    const s = await get(`teams/${id}/`), now = Date.now() / 1000;
    const cy = s.cycle, tot = s.total;
    fill(main, h('h1', {}, `Team ${s.team.name}`),
      cy ? h('progress', {id: 'team-progress', max: tot.targets || 1, value: tot.done_targets,
                          'aria-label': 'share of the cycle done'}) : null,
      facts(s, now),
      h('h2', {}, 'Members'),
      cy ? h('div', {id: 'team-members'}, membersTable(s, now)) :
        h('p', {class: 'muted'}, 'no cycle yet'));
  };
  await draw();
  every(15000, draw);
}
