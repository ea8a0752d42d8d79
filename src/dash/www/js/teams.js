// teams: the teams of team probing (GET /api/v2/teams/), each with its
// current cycle and how far through it the team is.
import {get} from './api.js';
import {h, fill, table, duration} from './dom.js';
import {every} from './live.js';

// The share of the cycle's targets done, as "42 %" ("–" before a cycle).
export function shareDone(s) {
  const t = s.total;
  if (!t || !t.targets) return '–';
  return `${Math.floor(100 * t.done_targets / t.targets)} %`;
}

const COLUMNS = [
  {title: 'ID', num: true, cell: s => h('a', {href: `#/team/${s.team.id}`}, s.team.id)},
  {title: 'Name', cell: s => h('a', {href: `#/team/${s.team.id}`}, s.team.name)},
  {title: 'State', cell: s => s.team.stopped ? 'stopped' : 'running'},
  {title: 'Method', cell: s => s.team.method},
  {title: 'Rate', num: true, cell: s => `${s.team.pps} pps`},
  {title: 'Cycle length', num: true, cell: s => duration(s.team.cycle_secs)},
  {title: 'Cycle', num: true, cell: s => s.cycle?.cycle ?? '–'},
  {title: 'Done', num: true, cell: shareDone},
  {title: 'Members', num: true, cell: s => (s.members || []).filter(m => m.agent_id).length},
];

export async function teamsView(main) {
  const list = h('div', {id: 'team-list'});
  const draw = async () => {
    const teams = (await get('teams/')).results;
    fill(list, teams.length ? table(COLUMNS, teams) :
      h('p', {class: 'muted'}, 'no team yet (vantage team create)'));
  };
  await draw();
  fill(main, h('h1', {}, 'Teams'), list);
  every(15000, draw);
}
