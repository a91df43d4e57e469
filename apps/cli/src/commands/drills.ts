import type { ControlClient } from '../control-client';
import type { Drill } from '../control-api';
import { formatParams, formatTarget, formatTime } from '../drill-format';
import { renderTable } from '../table';

export function formatDrills(drills: Drill[]): string {
  return renderTable(
    ['ID', 'KIND', 'TARGET', 'PARAMS', 'STATE', 'STARTED', 'EXPIRES/ENDED'],
    drills.map((d) => [
      d.id,
      d.kind,
      formatTarget(d),
      formatParams(d.params) || '-',
      d.state,
      formatTime(d.startedAt),
      formatTime(d.state === 'active' ? d.expiresAt : (d.endedAt ?? d.expiresAt)),
    ]),
  );
}

/** `faultline drills`: the active drills and the last ones ended. */
export async function drillsCommand(control: ControlClient, json: boolean): Promise<number> {
  const drills = await control.request<Drill[]>('GET', '/drills');
  console.log(json ? JSON.stringify(drills, null, 2) : formatDrills(drills));
  return 0;
}
