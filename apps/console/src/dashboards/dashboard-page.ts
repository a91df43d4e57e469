import {
  allPanels,
  type Dashboard,
  type DrillInterval,
  drillIntervals,
  drillQuery,
  type Panel,
} from '@faultline/dashboards/panels';
import { el } from '../dom';
import type { PrometheusApi } from '../prometheus-api';
import { bargaugePanel } from './bargauge-panel';
import { type PanelContent, type PanelContext, PanelFrame } from './panel-frame';
import { stateTimelinePanel } from './state-timeline-panel';
import { statPanel } from './stat-panel';
import { textPanel } from './text-panel';
import { timeseriesPanel } from './timeseries-panel';

/** The drawing of each panel type the dashboards use. */
const CONTENTS: Record<string, (context: PanelContext) => PanelContent> = {
  text: textPanel,
  timeseries: timeseriesPanel,
  stat: statPanel,
  'state-timeline': stateTimelinePanel,
  bargauge: bargaugePanel,
};

/** A panel of a type the console does not draw: it says so in its frame. */
const unsupported = (panel: Panel) => (): PanelContent => ({
  refresh: () => Promise.reject(new Error(`panel type "${panel.type}" is not supported`)),
  destroy: () => undefined,
});

/**
 * A dashboard as the console draws it: its panels on Grafana's 24-column grid, each refreshed
 * from Prometheus over the dashboard's time range, with its drills marked.
 */
export class DashboardPage {
  readonly element: HTMLElement;
  private readonly frames: PanelFrame[];
  private readonly updated = el('span', { class: 'dashboard-updated' });
  private readonly drillsError = el('p', {
    class: 'dashboard-drills-error',
    role: 'alert',
    hidden: true,
  });

  constructor(
    private readonly dashboard: Dashboard,
    private readonly prometheus: PrometheusApi,
  ) {
    this.frames = allPanels(dashboard).map(
      (panel) =>
        new PanelFrame(
          panel,
          dashboard.time,
          prometheus,
          CONTENTS[panel.type] ?? unsupported(panel),
        ),
    );
    const range = dashboard.time ? `${dashboard.time.from} to ${dashboard.time.to}` : '';
    this.element = el(
      'article',
      { class: 'dashboard', 'data-dashboard': dashboard.uid },
      el(
        'div',
        { class: 'dashboard-header' },
        el('h2', {}, dashboard.title),
        el('span', { class: 'dashboard-range' }, range),
        this.updated,
      ),
      dashboard.description && el('p', { class: 'dashboard-description' }, dashboard.description),
      this.drillsError,
      el('div', { class: 'dashboard-grid' }, ...this.frames.map((f) => f.element)),
    );
  }

  /** Draws every panel anew (each on its own: one failing leaves the others). */
  async refresh(): Promise<void> {
    const now = Date.now() / 1000;
    const drills = await this.drills(now);
    await Promise.all(this.frames.map((frame) => frame.refresh({ now, drills })));
    this.updated.textContent = `updated ${new Date(now * 1000).toLocaleTimeString()}`;
  }

  destroy(): void {
    for (const frame of this.frames) frame.destroy();
  }

  /** The drills the dashboard's annotation marks; none (and a note) when its query fails. */
  private async drills(now: number): Promise<DrillInterval[]> {
    const query = drillQuery(this.dashboard, now);
    if (!query) return [];
    const { expr, window: range, annotation } = query;
    try {
      const series = await this.prometheus.queryRange(expr, range.start, range.end, range.step);
      this.drillsError.hidden = true;
      return drillIntervals(series, annotation, range.step);
    } catch (err) {
      this.drillsError.hidden = false;
      this.drillsError.textContent = `Drills could not be marked: ${(err as Error).message}`;
      return [];
    }
  }
}
