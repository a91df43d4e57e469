import {
  alignSeries,
  type DrillInterval,
  fieldColor,
  formatValue,
  reduceValues,
  sampleValue,
} from '@faultline/dashboards/panels';
import uPlot from 'uplot';
import { drillBands } from './drill-bands';
import type { PanelContent, PanelContext, PanelSeries } from './panel-frame';

const probe = document.createElement('canvas').getContext('2d')!;

/** A CSS color at `opacity` (0–1), for a series' fill under its line. */
function translucent(color: string, opacity: number): string {
  probe.fillStyle = '#000';
  probe.fillStyle = color;
  const hex = probe.fillStyle; // the canvas writes an opaque color as #rrggbb
  return hex.startsWith('#')
    ? `${hex}${Math.round(opacity * 255)
        .toString(16)
        .padStart(2, '0')}`
    : hex;
}

/** Grafana's time series panel: a line a series, its axis in the panel's unit, drills as bands. */
export function timeseriesPanel({ panel, body, query }: PanelContext): PanelContent {
  const defaults = panel.fieldConfig?.defaults ?? {};
  const format = (value: number) => formatValue(value, defaults.unit, defaults.decimals);
  let plot: uPlot | undefined;
  let names = '';
  let drills: DrillInterval[] = [];

  function options(answered: PanelSeries[]): uPlot.Options {
    return {
      width: Math.max(100, body.clientWidth),
      height: Math.max(60, body.clientHeight),
      legend: { show: panel.options?.legend?.showLegend !== false },
      scales: {
        y: {
          range: (_u, low, high) => {
            // A flat series (zeros, in quiet times) gets an axis a unit high, not uPlot's 0–100.
            const top = high === low ? (high ?? 0) + 1 : high;
            const [min, max] = uPlot.rangeNum(low ?? 0, top ?? 1, 0.1, true);
            return [defaults.min ?? min, defaults.max ?? max];
          },
        },
      },
      axes: [
        // Room for a time label ("11:55pm") between ticks.
        { space: 70 },
        {
          values: (_u, splits) => splits.map(format),
          // Wide enough for the longest label (about 7 px a character), ticks and gap.
          size: (_u, values) =>
            Math.max(50, 22 + 7 * Math.max(0, ...(values ?? []).map((v) => v.length))),
        },
      ],
      series: [
        {},
        ...answered.map((s, i): uPlot.Series => {
          const last = reduceValues(s.series.values.map(([, v]) => sampleValue(v))) ?? 0;
          const color = fieldColor(s.field, last, i);
          const custom = s.field.custom ?? {};
          return {
            label: s.name,
            stroke: color,
            fill: translucent(color, Number(custom.fillOpacity ?? 10) / 100),
            width: Number(custom.lineWidth ?? 1),
            points: { show: false },
            value: (_u, v) => (v === null ? '–' : formatValue(v, s.field.unit, s.field.decimals)),
          };
        }),
      ],
      plugins: [drillBands(() => drills)],
    };
  }

  /** The plot fills the panel's body, less its legend. */
  function fit(): void {
    if (!plot) return;
    const legend = plot.root.querySelector<HTMLElement>('.u-legend')?.offsetHeight ?? 0;
    plot.setSize({
      width: Math.max(100, body.clientWidth),
      height: Math.max(60, body.clientHeight - legend),
    });
  }
  const resizing = new ResizeObserver(fit);
  resizing.observe(body);

  return {
    async refresh(refresh) {
      const { range, answered } = await query(refresh.now);
      const data = alignSeries(
        answered.map((s) => s.series),
        range,
      );
      drills = refresh.drills;
      const answeredNames = JSON.stringify(answered.map((s) => s.name));
      if (plot && answeredNames === names) plot.setData(data);
      else {
        plot?.destroy();
        plot = new uPlot(options(answered), data, body);
        names = answeredNames;
        fit();
      }
      return data.slice(1).some((column) => column.some((v) => v !== null)) ? 'data' : 'no-data';
    },
    destroy() {
      resizing.disconnect();
      plot?.destroy();
    },
  };
}
