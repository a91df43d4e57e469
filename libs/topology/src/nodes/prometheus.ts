import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { httpOk } from '../health';
import { HOST, type NodeSpec, type RunningNode } from '../model';
import { rulesDir } from '../repository';
import { launch, type LaunchContext, nodeDir } from './launch';

/** A node Prometheus scrapes: its name becomes the `node` label. */
export interface ScrapeTarget {
  node: string;
  address: string;
  metricsPath: string;
  /** Slower than every second: a target whose scrape is costly (a JMX exporter's). */
  slow?: boolean;
}

/**
 * How often a slow target is scraped, and its timeout: a Cassandra member's JMX exporter takes
 * up to a second a scrape on this machine, so every second kept three members busy.
 */
export const SLOW_SCRAPE = { interval: '5s', timeout: '4s' } as const;

/**
 * One job per node, scraped every second so a drill shows up at once. `honor_labels`: a
 * series that names its own node (control's measured skew of catalog-a) keeps it; the
 * others get the target's.
 */
export function scrapeConfig(targets: ScrapeTarget[], ruleFiles: string[] = []): string {
  const jobs = targets
    .map(
      (t) => `  - job_name: ${JSON.stringify(t.node)}
    metrics_path: ${JSON.stringify(t.metricsPath)}
    honor_labels: true${t.slow ? `\n    scrape_interval: ${SLOW_SCRAPE.interval}\n    scrape_timeout: ${SLOW_SCRAPE.timeout}` : ''}
    static_configs:
      - targets: [${JSON.stringify(t.address)}]
        labels:
          node: ${JSON.stringify(t.node)}`,
    )
    .join('\n');
  const rules = ruleFiles.length
    ? `rule_files:\n${ruleFiles.map((f) => `  - ${JSON.stringify(f)}`).join('\n')}\n`
    : '';
  return `global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
${rules}scrape_configs:
${jobs}
`;
}

export async function launchPrometheus(
  ctx: LaunchContext,
  spec: NodeSpec,
  targets: ScrapeTarget[],
): Promise<RunningNode> {
  const port = ctx.portOf(spec.name);
  const dir = nodeDir(ctx, spec.name);
  const config = join(dir, 'prometheus.yml');
  const url = `http://${HOST}:${port}`;
  writeFileSync(
    config,
    scrapeConfig(
      [...targets, { node: spec.name, address: `${HOST}:${port}`, metricsPath: '/metrics' }],
      [join(rulesDir(), 'faultline.rules.yml')],
    ),
  );
  return launch(ctx, spec, {
    process: {
      command: ctx.toolchain.prometheus,
      args: [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=${HOST}:${port}`,
        '--storage.tsdb.retention.time=1d',
        '--web.enable-lifecycle',
        // Request durations carry trace_id exemplars (OpenMetrics); Grafana links them to traces.
        '--enable-feature=exemplar-storage',
      ],
    },
    healthy: () => httpOk(`${url}/-/ready`),
    url,
  });
}
