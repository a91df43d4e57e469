/** Series names, as Grafana's Prometheus datasource gives them. */

export type Labels = Record<string, string>;

/**
 * `format` with its `{{label}}` placeholders filled in from `labels`: a label the series lacks
 * gives nothing, as in Grafana's Prometheus backend.
 */
export function renderTemplate(format: string, labels: Labels): string {
  return format.replace(/\{\{\s*(.+?)\s*\}\}/g, (_, name: string) => labels[name] ?? '').trim();
}

/** A series' labels as Prometheus writes them: `name{a="1", b="2"}`. */
function labelsText(labels: Labels): string {
  const { __name__: name = '', ...rest } = labels;
  const pairs = Object.entries(rest).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return pairs.length ? `${name}{${pairs.join(', ')}}` : name;
}

/**
 * The name of a series a query answers: its legendFormat filled in; without one (or `__auto`),
 * the series' `name{labels}`, or the query itself for a series with neither.
 */
export function seriesName(labels: Labels, legendFormat: string | undefined, expr: string): string {
  const legend =
    legendFormat && legendFormat !== '__auto' ? renderTemplate(legendFormat, labels) : '';
  return legend || labelsText(labels) || expr;
}
