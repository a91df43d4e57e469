/**
 * Content negotiation for /metrics. The registry renders OpenMetrics (the only format with
 * exemplars); scrapers that do not ask for it get the classic Prometheus text derived from it.
 */

const OPENMETRICS_MEDIA_TYPE = 'application/openmetrics-text';

/** Quality (0..1) the Accept header gives each media range, by media type. */
function acceptQualities(accept: string): Map<string, number> {
  const qualities = new Map<string, number>();
  for (const range of accept.split(',')) {
    const [mediaType, ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    if (!mediaType) continue;
    const q = parameters.find((parameter) => parameter.startsWith('q='));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    if (Number.isNaN(quality)) continue;
    qualities.set(mediaType, Math.max(quality, qualities.get(mediaType) ?? 0));
  }
  return qualities;
}

/**
 * Whether the scraper prefers OpenMetrics to the Prometheus text format, e.g. Prometheus with
 * exemplar storage on (`application/openmetrics-text;version=1.0.0;q=0.5,...,text/plain;q=0.2`).
 */
export function prefersOpenMetrics(accept: string | undefined): boolean {
  const qualities = acceptQualities(accept ?? '');
  const openMetrics = qualities.get(OPENMETRICS_MEDIA_TYPE) ?? 0;
  const plain = Math.max(qualities.get('text/plain') ?? 0, qualities.get('*/*') ?? 0);
  return openMetrics > 0 && openMetrics >= plain;
}

/** Where a sample line's label set ends (honouring quoted, escaped values), or 0 without one. */
function endOfLabels(line: string): number {
  const open = line.indexOf('{');
  const space = line.indexOf(' ');
  if (open === -1 || (space !== -1 && space < open)) return 0;
  let quoted = false;
  for (let i = open + 1; i < line.length; i++) {
    if (quoted && line[i] === '\\') i++;
    else if (line[i] === '"') quoted = !quoted;
    else if (!quoted && line[i] === '}') return i + 1;
  }
  return line.length;
}

/**
 * Turns prom-client's OpenMetrics exposition into the Prometheus text format: exemplars and the
 * `# EOF` trailer go, and counter families take the name of their `_total` sample, as Prometheus
 * stores them either way.
 */
export function toPrometheusText(openMetrics: string): string {
  const lines = openMetrics.split('\n');
  const counters = new Set(lines.flatMap((line) => /^# TYPE (\S+) counter$/.exec(line)?.[1] ?? []));
  const converted: string[] = [];
  for (const line of lines) {
    if (line === '# EOF' || line === '') continue;
    const metadata = /^# (HELP|TYPE) (\S+)(.*)$/.exec(line);
    if (metadata) {
      const [, keyword, name, rest] = metadata;
      converted.push(`# ${keyword} ${counters.has(name) ? `${name}_total` : name}${rest}`);
      continue;
    }
    const exemplar = line.indexOf(' # ', endOfLabels(line));
    converted.push(exemplar === -1 ? line : line.slice(0, exemplar));
  }
  return `${converted.join('\n')}\n`;
}
