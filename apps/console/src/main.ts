import type { ConsoleSettings } from '@faultline/contracts';
import { ControlConnection } from './control-connection';
import { dashboardsView } from './dashboards/dashboards-view';
import { el } from './dom';
import type { PrometheusApi } from './prometheus-api';
import { scenarioView } from './scenarios/scenario-view';
import { TokenStore } from './token-store';
import { topologyView } from './topology/topology-view';
import type { ConsoleView } from './view';

// The console's one page: a header with the views and the connection's state, then the view
// the address's hash names (`#topology`, `#scenarios/<report>`, `#dashboards/<uid>`).
const tokens = new TokenStore(document.body);
const control = new ControlConnection(tokens);

let settings: ConsoleSettings | undefined;
const prometheus: PrometheusApi = {
  queryRange: async (query, start, end, step) =>
    (await control.api.queryRange({ query, start, end, step })).data.result,
  query: async (query, time) => (await control.api.query({ query, time })).data.result,
};

const views: ConsoleView[] = [
  topologyView(control),
  scenarioView(control, () => settings),
  dashboardsView(prometheus),
];
const nav = el(
  'nav',
  {},
  ...views.map((v) => el('a', { href: `#${v.name}`, 'data-view': v.name }, v.title)),
);
const traces = el(
  'a',
  { class: 'traces-link', target: '_blank', rel: 'noopener', hidden: true },
  'Traces ↗',
);
const main = el('main', {});
document.body.append(
  el('header', {}, el('h1', {}, 'faultline'), nav, traces, control.banner),
  main,
);

let current: ConsoleView | undefined;
function route(): void {
  const [name, ...rest] = location.hash.replace(/^#/, '').split('/');
  const view = views.find((v) => v.name === name) ?? views[0];
  if (view !== current) {
    current?.hide();
    current = view;
    main.replaceChildren(view.element);
    for (const link of nav.querySelectorAll('a')) {
      link.toggleAttribute('aria-current', link.dataset.view === view.name);
    }
  }
  view.show(rest);
}

// The settings call is also the token's check: a wrong one is asked again before any view polls.
async function start(): Promise<void> {
  for (;;) {
    try {
      settings = await control.api.consoleSettings();
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
  if (settings.tracesUrl) {
    traces.href = `${settings.tracesUrl}/`;
    traces.hidden = false;
  }
  window.addEventListener('hashchange', route);
  route();
}

void start();
