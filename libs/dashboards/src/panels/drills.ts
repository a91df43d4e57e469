/** Drills on a dashboard: its "Drills" annotation and the intervals it marks. */
import { renderTemplate } from './legend';
import type { Annotation, Dashboard } from './model';
import { grafanaVariables, interpolate } from './queries';
import type { MatrixSeries } from './series';
import { durationSeconds, MIN_STEP_SECONDS, queryWindow, type QueryWindow } from './time';

/** The annotation query of a dashboard's drills, over its time range at `now`. */
export interface DrillQuery {
  expr: string;
  window: QueryWindow;
  annotation: Annotation;
}

/** The query for the dashboard's "Drills" annotation, if it has one that is enabled. */
export function drillQuery(dashboard: Dashboard, now: number): DrillQuery | undefined {
  const annotation = dashboard.annotations?.list?.find(
    (a) => a.name === 'Drills' && a.expr && a.enable !== false,
  );
  if (!annotation?.expr) return undefined;
  const step = annotation.step ? durationSeconds(annotation.step) : MIN_STEP_SECONDS;
  const window = queryWindow(dashboard.time, now, step);
  return { expr: interpolate(annotation.expr, grafanaVariables(window)), window, annotation };
}

/** A drill as the annotation marks it: from its first active sample to its last. */
export interface DrillInterval {
  from: number;
  to: number;
  title: string;
  text: string;
}

/**
 * The intervals the annotation query's answer marks, by Grafana's rule: a series' samples above
 * 0 no more than `step` apart form one interval, titled by the annotation's titleFormat filled
 * in from the series' labels.
 */
export function drillIntervals(
  series: MatrixSeries[],
  annotation: Annotation,
  step: number,
): DrillInterval[] {
  return series
    .flatMap(({ metric, values }) => {
      const title = renderTemplate(annotation.titleFormat ?? '', metric);
      const text = renderTemplate(annotation.textFormat ?? '', metric);
      const intervals: DrillInterval[] = [];
      for (const [time, value] of values) {
        if (!(Number(value) > 0)) continue;
        const last = intervals.at(-1);
        if (last && time - last.to <= step) last.to = time;
        else intervals.push({ from: time, to: time, title, text });
      }
      return intervals;
    })
    .sort((a, b) => a.from - b.from);
}
