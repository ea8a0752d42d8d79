// app: the dashboard's entry point. Hash routes (#/probes, #/probe/7,
// #/measurements, #/measurement/12, #/mesh, #/teams, #/team/3, #/credits) pick a view; each view renders
// into <main> from the API and may refresh itself (live.js).
import {key, setKey} from './api.js';
import {stopAll} from './live.js';
import {status} from './dom.js';
import {probesView} from './probes.js';
import {probeView} from './probe.js';
import {measurementsView} from './measurements.js';
import {measurementView} from './measurement.js';
import {meshView} from './mesh.js';
import {teamsView} from './teams.js';
import {teamView} from './team.js';
import {creditsView} from './credits.js';

const routes = [
  [/^#\/probes$/, probesView],
  [/^#\/probe\/(\d+)$/, probeView],
  [/^#\/measurements$/, measurementsView],
  [/^#\/measurement\/(\d+)(?:\?probe=(\d+))?$/, measurementView],
  [/^#\/mesh$/, meshView],
  [/^#\/teams$/, teamsView],
  [/^#\/team\/(\d+)$/, teamView],
  [/^#\/credits$/, creditsView],
];

async function route() {
  stopAll();
  const hash = location.hash || '#/probes';
  const main = document.getElementById('main');
  for (const a of document.querySelectorAll('nav a')) {
    if (hash.startsWith(a.getAttribute('href').replace(/s$/, ''))) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  for (const [re, view] of routes) {
    const m = hash.match(re);
    if (!m) continue;
    status('loading…');
    main.replaceChildren();
    try {
      await view(main, ...m.slice(1));
      status('');
    } catch (e) {
      status(e.status === 401 || e.status === 403 ? `${e.message} (enter an API key above)` : e.message, true);
    }
    main.focus();
    return;
  }
  status(`no page at ${hash}`, true);
}

function keyForm() {
  const form = document.getElementById('keyform'), input = document.getElementById('key');
  input.value = key();
  form.addEventListener('submit', ev => { ev.preventDefault(); setKey(input.value.trim()); route(); });
  document.getElementById('forget').addEventListener('click', () => { input.value = ''; setKey(''); route(); });
}

keyForm();
window.addEventListener('hashchange', route);
route();
