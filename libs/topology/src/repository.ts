import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root: the nearest folder above this file with the project's nest-cli.json. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nest-cli.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the faultline repository root');
    dir = parent;
  }
  return dir;
}

/** The alerting rules Prometheus loads, locally and in the chart. */
export const rulesDir = (): string => join(repoRoot(), 'prometheus', 'rules');
