import {
  type DrillInterval,
  type FieldConfig,
  fieldConfig,
  type MatrixSeries,
  noDataText,
  type Panel,
  panelQueries,
  panelWindow,
  type QueryWindow,
  reduceValues,
  sampleValue,
  seriesName,
} from '@faultline/dashboards/panels';
import { el } from '../dom';
import type { PrometheusApi } from '../prometheus-api';

/** What every panel of a dashboard draws from at one refresh. */
export interface Refresh {
  /** Unix seconds: the end of the dashboard's time range. */
  now: number;
  /** The dashboard's "Drills" annotation over its time range. */
  drills: DrillInterval[];
}

/** A series a panel's query answered: its name and display settings. */
export interface PanelSeries {
  name: string;
  field: FieldConfig;
  series: MatrixSeries;
}

/** What a panel's queries answered at one refresh, and the range they were run over. */
export interface Answer {
  range: QueryWindow;
  answered: PanelSeries[];
}

/** What a panel's content is given: the panel, where to draw, and its queries. */
export interface PanelContext {
  panel: Panel;
  body: HTMLElement;
  /** Runs the panel's queries over the dashboard's time range at `now`, about a sample a pixel. */
  query(now: number): Promise<Answer>;
}

/** The series that reduce to a number (by the first of `calcs`), with that number. */
export function reducedSeries(
  answered: PanelSeries[],
  calcs: string[] | undefined,
): (PanelSeries & { value: number })[] {
  return answered.flatMap((s) => {
    const value = reduceValues(
      s.series.values.map(([, v]) => sampleValue(v)),
      calcs,
    );
    return value === null ? [] : [{ ...s, value }];
  });
}

/** After a refresh: `data` when the panel drew at least one number, `no-data` when none. */
export type Drawn = 'data' | 'no-data';

/** A panel type's drawing. */
export interface PanelContent {
  refresh(refresh: Refresh): Promise<Drawn>;
  destroy(): void;
}

/** Runs the panel's queries: range queries over `range`, instant ones at its end. */
async function querySeries(
  prometheus: PrometheusApi,
  panel: Panel,
  range: QueryWindow,
): Promise<PanelSeries[]> {
  const answers = await Promise.all(
    panelQueries(panel, range).map(async (query) => {
      const series: MatrixSeries[] = query.instant
        ? (await prometheus.query(query.expr, range.end)).map((s) => ({
            metric: s.metric,
            values: [s.value],
          }))
        : await prometheus.queryRange(query.expr, range.start, range.end, range.step);
      return series.map((s) => ({
        name: seriesName(s.metric, query.legendFormat, query.expr),
        series: s,
      }));
    }),
  );
  return answers.flat().map((s) => ({ ...s, field: fieldConfig(panel, s.name) }));
}

/**
 * A panel's frame on the dashboard's grid: its title, its content, and its state after each
 * refresh (`data-state`: data, no-data with the panel's noValue shown, or error with the
 * message shown), so that one panel failing leaves the others drawing.
 */
export class PanelFrame {
  readonly element: HTMLElement;
  private readonly message = el('p', { class: 'panel-message', hidden: true });
  private readonly content: PanelContent;

  constructor(
    private readonly panel: Panel,
    time: { from: string; to: string } | undefined,
    prometheus: PrometheusApi,
    contentOf: (context: PanelContext) => PanelContent,
  ) {
    const { x = 0, y = 0, w = 24, h = 8 } = panel.gridPos ?? {};
    const body = el('div', { class: 'panel-body' });
    this.element = el(
      'section',
      {
        class: 'panel',
        'data-panel-id': panel.id,
        'data-panel-type': panel.type,
        'data-panel-title': panel.title ?? '',
        'data-state': 'loading',
        style: `--x: ${x + 1}; --y: ${y + 1}; --w: ${w}; --h: ${h}`,
      },
      el('h3', { class: 'panel-title', title: panel.description }, panel.title ?? ''),
      body,
      this.message,
    );
    this.content = contentOf({
      panel,
      body,
      query: async (now) => {
        const range = panelWindow(time, now, body.clientWidth);
        return { range, answered: await querySeries(prometheus, panel, range) };
      },
    });
  }

  /** Draws the panel anew; never throws: a failure shows in the panel. */
  async refresh(refresh: Refresh): Promise<void> {
    try {
      const drawn = await this.content.refresh(refresh);
      this.show(drawn, drawn === 'no-data' ? noDataText(this.panel) : undefined);
    } catch (err) {
      this.show('error', (err as Error).message);
    }
  }

  destroy(): void {
    this.content.destroy();
  }

  private show(state: Drawn | 'error', message: string | undefined): void {
    this.element.dataset.state = state;
    this.message.hidden = message === undefined;
    this.message.textContent = message ?? '';
  }
}
