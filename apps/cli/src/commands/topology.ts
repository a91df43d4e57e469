import type { ControlClient } from '../control-client';
import type { Fault, TopologyView } from '../control-api';
import { formatParams } from '../drill-format';
import { renderTable } from '../table';
import { formatEndpoints, LINK_HEADER, linkRow, NODE_HEADER, nodeRow } from './status';

// The drill id is what `faultline heal` takes; the params say how hard the fault bites.
const formatFaults = (faults: Fault[]): string =>
  faults
    .map((f) => [f.kind, f.drillId, formatParams(f.params)].filter(Boolean).join(' '))
    .join('; ') || '-';

export function formatTopology(topology: TopologyView): string {
  const nodes = renderTable(
    [...NODE_HEADER, 'FAULTS'],
    topology.nodes.map((n) => [...nodeRow(n), formatFaults(n.faults)]),
  );
  const links = renderTable(
    [...LINK_HEADER, 'FAULTS'],
    topology.links.map((l) => [...linkRow(l), formatFaults(l.faults)]),
  );
  return `${nodes}\n\n${formatEndpoints(topology.endpoints)}\n\n${links}`;
}

/** `faultline topology`: nodes and links as the control API sees them, with their faults. */
export async function topologyCommand(control: ControlClient, json: boolean): Promise<number> {
  const topology = await control.request<TopologyView>('GET', '/topology');
  console.log(json ? JSON.stringify(topology, null, 2) : formatTopology(topology));
  return 0;
}
