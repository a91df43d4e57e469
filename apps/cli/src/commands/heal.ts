import { Command } from 'commander';
import { type CommandContext, type JsonFlag, jsonOption } from '../command-context';
import type { ControlApiClient, Drill } from '@faultline/contracts';
import { describeDrill, formatTime } from '../drill-format';
import { UsageError } from '../usage-error';

// A drill that had already ended is answered as it is, so its own state is what is said.
const healedLine = (d: Drill): string =>
  `${describeDrill(d)}: ${d.state}${d.endedAt ? ` ${formatTime(d.endedAt)}` : ''}`;

async function heal(
  control: ControlApiClient,
  target: { id: string } | 'all',
  json: boolean,
): Promise<number> {
  const healed = target === 'all' ? await control.healAll() : await control.heal(target.id);
  if (json) console.log(JSON.stringify(healed, null, 2));
  else if (Array.isArray(healed)) {
    console.log(healed.length ? healed.map(healedLine).join('\n') : 'no drill was active');
  } else console.log(healedLine(healed));
  return 0;
}

/** `faultline heal <id>` ends one drill; `faultline heal --all` every active one. */
export const healCommand = (cli: CommandContext): Command =>
  new Command('heal')
    .description('end one drill, or every active one')
    .argument('[id]', 'the drill to end (`faultline drills` lists them)')
    .option('--all', 'end every active drill')
    .addOption(jsonOption('print the healed drills as JSON'))
    .action(
      cli.action(async (id: string | undefined, { all, json }: JsonFlag & { all?: boolean }) => {
        if ((id === undefined) === !all) {
          throw new UsageError('heal takes a drill id or --all; see `faultline help`');
        }
        return heal(cli.control(), id === undefined ? 'all' : { id }, Boolean(json));
      }),
    );
