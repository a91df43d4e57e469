import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '@faultline/topology';
import { chartTopology } from './chart-topology';

export const chartDir = (): string => join(repoRoot(), 'helm', 'faultline');

/** Every file below `dir`, at any depth. */
export const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));

/**
 * Files the chart carries as copies: Helm reads only files inside the chart, while
 * grafana/ and prometheus/ stay the source of truth for the local topology too.
 */
export function chartCopies(): { source: string; copy: string }[] {
  const root = repoRoot();
  return [
    ...filesUnder(join(root, 'grafana')),
    join(root, 'prometheus', 'rules', 'faultline.rules.yml'),
  ].map((source) => ({ source, copy: join(chartDir(), 'files', relative(root, source)) }));
}

/** Every file the chart must carry, with the content it must have. */
export function expectedChartFiles(): { file: string; content: string }[] {
  return [
    {
      file: join(chartDir(), 'files', 'topology.json'),
      content: `${JSON.stringify(chartTopology(), null, 2)}\n`,
    },
    ...chartCopies().map(({ source, copy }) => ({
      file: copy,
      content: readFileSync(source, 'utf8'),
    })),
  ];
}
