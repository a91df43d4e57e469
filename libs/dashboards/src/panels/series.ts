/** Prometheus's answers as panels draw them: numbers on a time axis, reduced, or in states. */
import type { QueryWindow } from './time';

/** A series as Prometheus's `query_range` answers it (an instant query's: a single sample). */
export interface MatrixSeries {
  metric: Record<string, string>;
  /** [unix seconds, the value as Prometheus writes it: "1.5", "NaN", "+Inf"]. */
  values: [number, string][];
}

/** A sample's value as a number to draw; NaN and ±Inf (nothing to draw) are null. */
export function sampleValue(text: string): number | null {
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** Series on one time axis, as uPlot takes them: the times, then one column a series. */
export type AlignedData = [number[], ...(number | null)[][]];

/**
 * `series` on the window's time axis (from its start to its end by its step): a column a series,
 * null where a series has no sample or no number.
 */
export function alignSeries(series: MatrixSeries[], window: QueryWindow): AlignedData {
  const count = Math.floor((window.end - window.start) / window.step) + 1;
  const times = Array.from({ length: count }, (_, i) => window.start + i * window.step);
  const columns = series.map((s) => {
    const column = new Array<number | null>(count).fill(null);
    for (const [time, value] of s.values) {
      const i = Math.round((time - window.start) / window.step);
      if (i >= 0 && i < count) column[i] = sampleValue(value);
    }
    return column;
  });
  return [times, ...columns];
}

type Reducer = (values: (number | null)[]) => number | null;

const numbers = (values: (number | null)[]) => values.filter((v): v is number => v !== null);

/** Grafana's reducers (`reduceOptions.calcs`): a series to the one value a stat shows. */
const REDUCERS: Record<string, Reducer> = {
  lastNotNull: (values) => values.findLast((v) => v !== null) ?? null,
  last: (values) => values.at(-1) ?? null,
  min: (values) => (numbers(values).length ? Math.min(...numbers(values)) : null),
  max: (values) => (numbers(values).length ? Math.max(...numbers(values)) : null),
};

/** Whether reduceValues knows the reducer `calc`. */
export const isKnownReducer = (calc: string): boolean => Object.hasOwn(REDUCERS, calc);

/** A series' values reduced by the first of `calcs` (Grafana's default: the last number). */
export function reduceValues(values: (number | null)[], calcs: string[] = []): number | null {
  const calc = calcs[0] ?? 'lastNotNull';
  const reducer = REDUCERS[calc];
  if (!reducer) throw new Error(`reducer "${calc}" is not supported by the console`);
  return reducer(values);
}

/** A stretch of time over which a series keeps one value. */
export interface StateSegment {
  from: number;
  to: number;
  value: number;
}

/**
 * A column of aligned values as states: each sample holds until the next step, and equal
 * neighbours merge (Grafana's mergeValues); a null leaves a gap.
 */
export function stateSegments(times: number[], column: (number | null)[], step: number) {
  const segments: StateSegment[] = [];
  column.forEach((value, i) => {
    if (value === null) return;
    const from = times[i]!;
    const last = segments.at(-1);
    if (last && last.value === value && last.to === from) last.to = from + step;
    else segments.push({ from, to: from + step, value });
  });
  return segments;
}
