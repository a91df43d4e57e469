import { Argument, Command } from 'commander';
import {
  type ControlApiClient,
  DRILL_KINDS,
  type DrillKind,
  type DrillRequest,
} from '@faultline/contracts';
import { type CommandContext, type JsonFlag, jsonOption } from '../command-context';
import { describeDrill, formatTime } from '../drill-format';
import { DURATIONS } from '../duration';
import { type DrillFlags, drillRequest } from '../drill-request';
import { helpParagraph, helpSection } from '../help-text';

/** The target and flags of each kind; a kind without its line does not compile. */
const KIND_USAGE: Record<DrillKind, string> = {
  partition: '<node|endpoint|link> [--mode blackhole|refuse]',
  latency: '<node|endpoint|link> --latency 300ms [--jitter 50ms]',
  kill: '<node|endpoint>',
  'replication-delay': '<replica> --delay 2s',
  'replication-mode': 'pg-primary --mode async: commits stop waiting for a standby',
  failover: 'pg|redis: a planned switchover, a standby promoted and the endpoint moved',
  'clock-skew': '<service> --offset 30s (backwards: --offset -30s)',
  pause: '<node|endpoint> [--for 10s]: the process frozen (SIGSTOP) until heal (SIGCONT)',
};

/** Every drill kind with its target and flags, and what a target is: for the help. */
export const drillKindsHelp = (command: Command): string =>
  helpSection(
    command,
    'Drill kinds:',
    DRILL_KINDS.map((kind) => [kind, KIND_USAGE[kind]]),
  ) +
  '\n' +
  helpParagraph(
    command,
    'A target is a node (pg-1), an endpoint (pg-primary, redis-primary: whichever node is ' +
      "primary now) or a link 'client->server' (quoted, for the shell).",
  );

async function startDrill(
  control: ControlApiClient,
  request: DrillRequest,
  json: boolean,
): Promise<number> {
  const drill = await control.startDrill(request);
  console.log(
    json
      ? JSON.stringify(drill, null, 2)
      : drill.result
        ? `drill ${describeDrill(drill)}: ${drill.result}`
        : `started drill ${describeDrill(drill)}, expires ${formatTime(drill.expiresAt)}`,
  );
  return 0;
}

/**
 * `faultline drill <kind> <target> …`: starts a drill and says which, and until when; an
 * instant drill (a failover) says what it did instead.
 */
export const drillCommand = (cli: CommandContext): Command =>
  new Command('drill')
    .description('start a drill; it heals itself after --for')
    .addArgument(new Argument('<kind>', 'the fault').choices(DRILL_KINDS))
    .argument('<target>', "a node, an endpoint or a link 'client->server'")
    .option('--for <duration>', 'heal it after this long (default 60s; a bare number is seconds)')
    .option('--latency <duration>', 'latency: the delay added')
    .option('--jitter <duration>', 'latency: how much the delay varies')
    .option('--offset <duration>', "clock-skew: how far the service's clock moves")
    .option('--delay <duration>', 'replication-delay: how late the replica applies')
    .option(
      '--mode <mode>',
      'partition: blackhole (the default) or refuse; replication-mode: async',
    )
    .addOption(jsonOption('print the drill as JSON'))
    .addHelpText('after', ({ command }) =>
      ['', drillKindsHelp(command), helpParagraph(command, DURATIONS)].join('\n'),
    )
    .action(
      cli.action(async (kind: string, target: string, flags: DrillFlags & JsonFlag) => {
        // The flags are checked before the control API is looked for.
        const request = drillRequest(kind, target, flags);
        return startDrill(cli.control(), request, Boolean(flags.json));
      }),
    );
