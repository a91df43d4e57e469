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
}

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
    honor_labels: true
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
