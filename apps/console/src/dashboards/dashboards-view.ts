import { type Dashboard, refreshMillis } from '@faultline/dashboards/panels';
import { el } from '../dom';
import { Polling } from '../polling';
import type { PrometheusApi } from '../prometheus-api';
import type { ConsoleView } from '../view';
import { DashboardPage } from './dashboard-page';

async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}`);
  return (await response.json()) as T;
}

/** The dashboards the console was built with: the files of grafana/dashboards, as Grafana has them. */
async function loadDashboards(): Promise<Dashboard[]> {
  const files = await fetchJson<string[]>('dashboards/index.json');
  return Promise.all(
    files.map(async (file) => ({
      ...(await fetchJson<Omit<Dashboard, 'file'>>(`dashboards/${file}`)),
      file,
    })),
  );
}

/** A dashboard on show, and what refreshes it. */
interface Shown {
  uid: string;
  page: DashboardPage;
  /** None when the dashboard does not refresh. */
  polling?: Polling;
}

/**
 * Dashboards: the Grafana dashboards drawn from their own JSON against the playground's
 * Prometheus, refreshed as often as each says while shown. `#dashboards/<uid>` opens one; the
 * first opens by default.
 */
export function dashboardsView(prometheus: PrometheusApi): ConsoleView {
  const picker = el('nav', { class: 'dashboard-picker', 'aria-label': 'dashboards' });
  const content = el('div', { class: 'dashboard-content' });
  const element = el('section', { class: 'dashboards-view' }, picker, content);
  let dashboards: Promise<Dashboard[]> | undefined;
  let shown: Shown | undefined;
  /** The route asked for last; undefined while the view is hidden. */
  let wanted: string[] | undefined;

  function close(): void {
    shown?.polling?.stop();
    shown?.page.destroy();
    shown = undefined;
  }

  function open(dashboard: Dashboard): Shown {
    const page = new DashboardPage(dashboard, prometheus);
    content.replaceChildren(page.element);
    const every = refreshMillis(dashboard.refresh);
    // A dashboard that does not refresh is drawn once, when it opens.
    const polling = every ? new Polling(() => page.refresh(), every) : undefined;
    if (!polling) void page.refresh();
    return { uid: dashboard.uid, page, polling };
  }

  async function show(route: string[]): Promise<void> {
    let all: Dashboard[];
    try {
      all = await (dashboards ??= loadDashboards());
    } catch (err) {
      dashboards = undefined;
      content.replaceChildren(
        el(
          'p',
          { class: 'view-error', role: 'alert' },
          `The dashboards could not be loaded: ${(err as Error).message}`,
        ),
      );
      return;
    }
    if (wanted !== route) return; // hidden, or another route asked for, while loading
    const [uid] = route;
    const dashboard = uid ? all.find((d) => d.uid === uid) : all[0];
    picker.replaceChildren(
      ...all.map((d) =>
        el(
          'a',
          { href: `#dashboards/${d.uid}`, 'aria-current': d === dashboard && 'page' },
          d.title,
        ),
      ),
    );
    if (!dashboard) {
      close();
      content.replaceChildren(
        el('p', { class: 'view-error', role: 'alert' }, `There is no dashboard "${uid}".`),
      );
      return;
    }
    if (shown?.uid !== dashboard.uid) {
      close();
      shown = open(dashboard);
    }
    shown.polling?.start();
  }

  return {
    name: 'dashboards',
    title: 'Dashboards',
    element,
    show(route) {
      wanted = route;
      void show(route);
    },
    hide() {
      wanted = undefined;
      shown?.polling?.stop();
    },
  };
}
