import { Command } from 'commander';
import type { ControlApiClient, Drill } from '@faultline/contracts';
import { type CommandContext, type JsonFlag, jsonOption } from '../command-context';
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

async function listDrills(control: ControlApiClient, json: boolean): Promise<number> {
  const drills = await control.drills();
  console.log(json ? JSON.stringify(drills, null, 2) : formatDrills(drills));
  return 0;
}

/** `faultline drills`: the active drills and the last ones ended. */
export const drillsCommand = (cli: CommandContext): Command =>
  new Command('drills')
    .description('the active drills and the last ones ended')
    .addOption(jsonOption())
    .action(cli.action(({ json }: JsonFlag) => listDrills(cli.control(), Boolean(json))));
