// credits: the credits of the account that owns the API key entered above
// (/credits/: balance and the day's estimates; /credits/transactions/: its
// ledger of the past 30 days, newest first). Without a key there is no
// account to show.
import {get, key} from './api.js';
import {h, fill, when, table} from './dom.js';

function summary(c) {
  const row = (k, v) => [h('dt', {}, k), h('dd', {}, v)];
  return h('dl', {class: 'facts', id: 'credit-summary'},
    row('Balance', h('span', {id: 'credit-balance', 'data-balance': c.current_balance}, `${c.current_balance} credits`)),
    row('Estimated daily income', `${c.estimated_daily_income}`),
    row('Estimated daily spending', `${c.estimated_daily_expenditure}`),
    row('Runs out in', c.estimated_runout_seconds === null ? 'never at this rate' : `${c.estimated_runout_seconds} s`),
    row('Results in the past day', `${c.past_day_measurement_results}`),
    row('Daily credit limit', `${c.max_daily_credits}`),
    row('Last debited', when(c.last_date_debited)),
    row('Last credited', when(c.last_date_credited)));
}

function ledger(rows) {
  if (!rows.length) return h('p', {class: 'muted', id: 'credit-ledger-empty'}, 'no entry in the past 30 days');
  const newest = [...rows].sort((a, b) => b.time - a.time || b.id - a.id);
  return h('div', {id: 'credit-ledger'}, table([
    {title: 'Entry', num: true, cell: e => e.id},
    {title: 'Time', cell: e => when(e.time)},
    {title: 'Amount', num: true, cell: e => h('span', {'data-amount': e.amount}, e.amount > 0 ? `+${e.amount}` : `${e.amount}`)},
    {title: 'Reason', cell: e => e.reason},
    {title: 'Measurement', num: true, cell: e => e.msm_id ? h('a', {href: `#/measurement/${e.msm_id}`}, e.msm_id) : '–'},
    {title: 'Vantage point', num: true, cell: e => e.agent_id ? h('a', {href: `#/probe/${e.agent_id}`}, e.agent_id) : '–'},
    {title: 'Note', cell: e => e.note || ''},
  ], newest, `${rows.length} entries`));
}

export async function creditsView(main) {
  if (!key()) {
    fill(main, h('h1', {}, 'Credits'),
      h('p', {id: 'credit-need-key'}, 'Enter the API key of an account above to see its credits.'));
    return;
  }
  const [c, tx] = await Promise.all([get('credits/'), get('credits/transactions/')]);
  fill(main, h('h1', {}, 'Credits'), summary(c),
    h('h2', {}, 'Ledger'), ledger(tx.results || []));
}
