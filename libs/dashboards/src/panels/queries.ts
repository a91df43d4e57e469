import type { Panel } from './model';
import type { QueryWindow } from './time';

/**
 * The scrape interval Grafana's Prometheus datasource is provisioned with (`timeInterval` in
 * grafana/provisioning/datasources): what Grafana builds `$__rate_interval` from.
 */
export const SCRAPE_INTERVAL_SECONDS = 1;

/** Grafana's global variables for a query over `window`, by name (without the `$`). */
export function grafanaVariables(window: QueryWindow): Record<string, string> {
  const range = window.end - window.start;
  return {
    __interval: `${window.step}s`,
    __interval_ms: String(window.step * 1000),
    // Grafana's rule: at least four scrapes, and at least one step plus a scrape.
    __rate_interval: `${Math.max(window.step + SCRAPE_INTERVAL_SECONDS, 4 * SCRAPE_INTERVAL_SECONDS)}s`,
    __range: `${range}s`,
    __range_s: String(range),
    __range_ms: String(range * 1000),
  };
}

/** `expr` with its `$name` and `${name}` variables replaced (an unknown one is left as written). */
export function interpolate(expr: string, variables: Record<string, string>): string {
  return expr.replace(
    /\$(?:\{(\w+)\}|(\w+))/g,
    (written, braced: string | undefined, bare: string | undefined) =>
      variables[(braced ?? bare)!] ?? written,
  );
}

/** A query a panel runs. */
export interface PanelQuery {
  refId: string;
  expr: string;
  legendFormat?: string;
  /** The value at the window's end only (Grafana's "instant" query), not a range. */
  instant: boolean;
}

/** The queries `panel` runs over `window`, Grafana's variables replaced. */
export function panelQueries(panel: Panel, window: QueryWindow): PanelQuery[] {
  const variables = grafanaVariables(window);
  return (panel.targets ?? []).flatMap((target, i) =>
    target.expr
      ? [
          {
            refId: target.refId ?? String.fromCharCode(65 + i),
            expr: interpolate(target.expr, variables),
            legendFormat: target.legendFormat,
            instant: target.instant === true && target.range !== true,
          },
        ]
      : [],
  );
}
