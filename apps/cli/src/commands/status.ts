import { Command } from 'commander';
import {
  type EndpointStatus,
  type LinkStatus,
  type NodeStatus,
  type TopologyStatus,
  topologyStatus,
  type TopologyState,
} from '@faultline/topology';
import { type CommandContext, type JsonFlag, jsonOption } from '../command-context';
import { renderTable } from '../table';
import { requireState } from './state';

export const NODE_HEADER = ['NODE', 'KIND', 'ROLE', 'ADDRESS', 'PID', 'HEALTHY', 'URL'];

export const nodeRow = (n: NodeStatus): string[] => [
  n.name,
  n.kind,
  n.role,
  `${n.host}:${n.port}`,
  // A Kubernetes node (behind a port-forward) has pods, not a pid.
  n.pid === undefined ? '-' : String(n.pid),
  n.healthy ? 'yes' : 'NO',
  n.url ?? '',
];

export const LINK_HEADER = ['LINK', 'LISTEN', 'UPSTREAM', 'STATE', 'TOXICS'];

export const linkRow = (l: LinkStatus): string[] => [
  l.name,
  l.listen,
  l.upstream,
  l.enabled ? 'up' : 'disabled',
  l.toxics.map((t) => `${t.type}(${t.stream})`).join(',') || '-',
];

/** Which node each read-write endpoint leads to now (`-` while none is primary). */
export const formatEndpoints = (endpoints: EndpointStatus[]): string =>
  renderTable(
    ['ENDPOINT', 'KIND', 'NODE'],
    endpoints.map((e) => [e.name, e.kind, e.node ?? '-']),
  );

export function formatStatus(status: TopologyStatus): string {
  const nodes = renderTable(NODE_HEADER, status.nodes.map(nodeRow));
  const links = renderTable(LINK_HEADER, status.links.map(linkRow));
  return `${nodes}\n\n${formatEndpoints(status.endpoints)}\n\n${links}`;
}

/** `status --json` (and `up --detach --json`): the status, and the control API with its token. */
export const statusJson = (state: TopologyState, status: TopologyStatus): string => {
  const control = {
    url: state.nodes.find((n) => n.name === 'control')?.url,
    token: state.adminToken,
  };
  return JSON.stringify({ ...status, control }, null, 2);
};

async function showStatus(stateFile: string, json: boolean): Promise<number> {
  const state = requireState(stateFile);
  const status = await topologyStatus(state);
  console.log(json ? statusJson(state, status) : formatStatus(status));
  return status.nodes.every((n) => n.healthy) ? 0 : 1;
}

/** `faultline status`: the local topology's nodes (probed now), endpoints and links. */
export const statusCommand = (cli: CommandContext): Command =>
  new Command('status')
    .description('nodes, endpoints and links and their health; exits 1 when a node is unhealthy')
    .addOption(jsonOption('print JSON instead of a table, with the control API and its token'))
    .action(cli.action(({ json }: JsonFlag) => showStatus(cli.stateFile, Boolean(json))));
