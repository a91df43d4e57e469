import type { ControlClient } from '../control-client';
import type { Drill } from '../control-api';
import { describeDrill, formatTime } from '../drill-format';
import type { DrillRequest } from '../drill-request';

/**
 * `faultline drill <kind> <target> …`: starts a drill and says which, and until when; an
 * instant drill (a failover) says what it did instead.
 */
export async function drillCommand(
  control: ControlClient,
  request: DrillRequest,
  json: boolean,
): Promise<number> {
  const drill = await control.request<Drill>('POST', '/drills', request);
  console.log(
    json
      ? JSON.stringify(drill, null, 2)
      : drill.result
        ? `drill ${describeDrill(drill)}: ${drill.result}`
        : `started drill ${describeDrill(drill)}, expires ${formatTime(drill.expiresAt)}`,
  );
  return 0;
}
