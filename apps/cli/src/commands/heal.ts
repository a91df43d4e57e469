import type { ControlClient } from '../control-client';
import type { Drill } from '../control-api';
import { describeDrill, formatTime } from '../drill-format';

// A drill that had already ended is answered as it is, so its own state is what is said.
const healedLine = (d: Drill): string =>
  `${describeDrill(d)}: ${d.state}${d.endedAt ? ` ${formatTime(d.endedAt)}` : ''}`;

/** `faultline heal <id>` ends one drill; `faultline heal --all` every active one. */
export async function healCommand(
  control: ControlClient,
  target: { id: string } | 'all',
  json: boolean,
): Promise<number> {
  const healed =
    target === 'all'
      ? await control.request<Drill[]>('DELETE', '/drills')
      : await control.request<Drill>('DELETE', `/drills/${encodeURIComponent(target.id)}`);
  if (json) console.log(JSON.stringify(healed, null, 2));
  else if (Array.isArray(healed)) {
    console.log(healed.length ? healed.map(healedLine).join('\n') : 'no drill was active');
  } else console.log(healedLine(healed));
  return 0;
}
