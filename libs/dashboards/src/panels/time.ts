/** Time on a dashboard: Grafana's durations, its relative time range, and the window a panel queries. */

const SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3_600,
  d: 86_400,
  w: 604_800,
  y: 31_536_000,
};

/** Seconds in a Grafana duration: `500ms`, `5s`, `15m`, `1h`, `2d`, `1w`, `1y`. */
export function durationSeconds(duration: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)$/.exec(duration.trim());
  if (!match) throw new Error(`"${duration}" is not a duration (like 5s, 15m or 1h)`);
  return Number(match[1]) * SECONDS[match[2]!]!;
}

/** A moment of a dashboard's time range (`now`, `now-15m`) in unix seconds. */
export function relativeTime(moment: string, now: number): number {
  const match = /^now(?:-(.+))?$/.exec(moment.trim());
  if (!match) throw new Error(`"${moment}" is not a time relative to now (like now-15m)`);
  return match[1] ? now - durationSeconds(match[1]) : now;
}

/** Grafana's own default when a dashboard names no time range. */
const DEFAULT_TIME = { from: 'now-6h', to: 'now' };

/**
 * The finest step a panel queries by. Prometheus scrapes every second, but a 5 s step keeps a
 * 15-minute panel to 180 samples a series and the queries cheap on a small machine; it is also
 * how often the dashboards refresh.
 */
export const MIN_STEP_SECONDS = 5;

/** What a panel queries: from `start` to `end` (unix seconds) by `step` seconds. */
export interface QueryWindow {
  start: number;
  end: number;
  step: number;
}

/**
 * The dashboard's time range at `now`, queried by `step` seconds. Its ends fall on multiples of
 * the step, so that successive refreshes sample the same instants.
 */
export function queryWindow(
  time: { from: string; to: string } | undefined,
  now: number,
  step: number,
): QueryWindow {
  const from = relativeTime((time ?? DEFAULT_TIME).from, now);
  const to = relativeTime((time ?? DEFAULT_TIME).to, now);
  return { start: Math.floor(from / step) * step, end: Math.floor(to / step) * step, step };
}

/**
 * The window a panel `width` pixels wide queries: about one sample a pixel, as Grafana does,
 * never finer than MIN_STEP_SECONDS.
 */
export function panelWindow(
  time: { from: string; to: string } | undefined,
  now: number,
  width: number,
): QueryWindow {
  const { start, end } = queryWindow(time, now, 1);
  const step = Math.max(
    MIN_STEP_SECONDS,
    Math.ceil((end - start) / Math.max(1, Math.floor(width))),
  );
  return queryWindow(time, now, step);
}

/** How often a dashboard refreshes, in milliseconds; undefined: it does not. */
export function refreshMillis(refresh: string | false | undefined): number | undefined {
  return refresh ? durationSeconds(refresh) * 1000 : undefined;
}
