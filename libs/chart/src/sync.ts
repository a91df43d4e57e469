/**
 * `npm run chart:sync`: writes the chart's generated topology and its copies of the
 * dashboards, provisioning and rules (a test fails while they differ).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { repoRoot } from '@faultline/topology';
import { expectedChartFiles } from './chart-files';

for (const { file, content } of expectedChartFiles()) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  console.log(`wrote ${relative(repoRoot(), file)}`);
}
