import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  cassandraYaml,
  jmxExporterYaml,
  rackdcProperties,
  repoRoot,
  RING_MEMBERS,
} from '@faultline/topology';
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

/**
 * A ring member's configuration as the chart runs it: the same as locally, with placeholders
 * its start script fills in (`@NAME@`: the pod's address, the cluster IPs of the ring's
 * Services) and the chart fills in (`@STORAGE_PORT@`, `@NATIVE_PORT@`).
 */
export function cassandraChartFiles(): { name: string; content: string }[] {
  return [
    {
      name: 'cassandra.yaml',
      content: cassandraYaml({
        dataDir: '/var/lib/cassandra',
        listenAddress: '@POD_IP@',
        rpcAddress: '0.0.0.0',
        broadcastAddress: '@BROADCAST_ADDRESS@',
        storagePort: '@STORAGE_PORT@',
        nativePort: '@NATIVE_PORT@',
        seeds: ['@SEED_ADDRESS@:@STORAGE_PORT@'],
      }),
    },
    {
      name: 'jmx-exporter.yaml',
      content: jmxExporterYaml(
        RING_MEMBERS.map((name, n) => ({ name, address: `@ADDRESS_${n}@` })),
      ),
    },
    { name: 'cassandra-rackdc.properties', content: rackdcProperties() },
  ];
}

/** Every file the chart must carry, with the content it must have. */
export function expectedChartFiles(): { file: string; content: string }[] {
  return [
    {
      file: join(chartDir(), 'files', 'topology.json'),
      content: `${JSON.stringify(chartTopology(), null, 2)}\n`,
    },
    ...cassandraChartFiles().map(({ name, content }) => ({
      file: join(chartDir(), 'files', 'cassandra', name),
      content,
    })),
    ...chartCopies().map(({ source, copy }) => ({
      file: copy,
      content: readFileSync(source, 'utf8'),
    })),
  ];
}
