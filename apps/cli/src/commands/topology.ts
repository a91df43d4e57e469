import { Command } from 'commander';
import { type CommandContext, type JsonFlag, jsonOption } from '../command-context';
import type { ControlApiClient, Fault, TopologyView } from '@faultline/contracts';
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

async function showTopology(control: ControlApiClient, json: boolean): Promise<number> {
  const topology = await control.topology();
  console.log(json ? JSON.stringify(topology, null, 2) : formatTopology(topology));
  return 0;
}

/** `faultline topology`: nodes and links as the control API sees them, with their faults. */
export const topologyCommand = (cli: CommandContext): Command =>
  new Command('topology')
    .description('nodes, endpoints and links with the faults active on each')
    .addOption(jsonOption())
    .action(cli.action(({ json }: JsonFlag) => showTopology(cli.control(), Boolean(json))));
