import { type TopologyStatus, topologyStatus } from '@faultline/topology';
import { renderTable } from '../table';
import { requireState } from './state';

export function formatStatus(status: TopologyStatus): string {
  const nodes = renderTable(
    ['NODE', 'KIND', 'ROLE', 'ADDRESS', 'PID', 'HEALTHY', 'URL'],
    status.nodes.map((n) => [
      n.name,
      n.kind,
      n.role,
      `${n.host}:${n.port}`,
      String(n.pid),
      n.healthy ? 'yes' : 'NO',
      n.url ?? '',
    ]),
  );
  const links = renderTable(
    ['LINK', 'LISTEN', 'UPSTREAM', 'STATE', 'TOXICS'],
    status.links.map((l) => [
      l.name,
      l.listen,
      l.upstream,
      l.enabled ? 'up' : 'disabled',
      l.toxics.map((t) => `${t.type}(${t.stream})`).join(',') || '-',
    ]),
  );
  return `${nodes}\n\n${links}`;
}

export async function statusCommand(stateFile: string, json: boolean): Promise<number> {
  const status = await topologyStatus(requireState(stateFile));
  console.log(json ? JSON.stringify(status, null, 2) : formatStatus(status));
  return status.nodes.every((n) => n.healthy) ? 0 : 1;
}
