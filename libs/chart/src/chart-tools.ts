import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '@faultline/topology';

/** The chart's offline tools, which scripts/provision.sh installs and records. */
export interface ChartTools {
  helm: string;
  kubernetesValidate: string;
  checkov: string;
}

export function resolveChartTools(): ChartTools {
  const manifest = join(cacheDir(), 'toolchain.json');
  const recorded = existsSync(manifest)
    ? (JSON.parse(readFileSync(manifest, 'utf8')) as Partial<ChartTools>)
    : {};
  const tools = {
    helm: recorded.helm ?? '',
    kubernetesValidate: recorded.kubernetesValidate ?? '',
    checkov: recorded.checkov ?? '',
  };
  for (const [name, path] of Object.entries(tools)) {
    if (!path || !existsSync(path)) {
      throw new Error(`${name} is not provisioned: run \`npm run provision\``);
    }
  }
  return tools;
}
