import { parseArgs } from 'node:util';
import { defaultStateFile, TopologyError } from '@faultline/topology';
import { downCommand } from './commands/down';
import { drillCommand } from './commands/drill';
import { drillsCommand } from './commands/drills';
import { healCommand } from './commands/heal';
import { reportCommand, scenarioRunCommand } from './commands/scenario';
import { statusCommand } from './commands/status';
import { topologyCommand } from './commands/topology';
import { upCommand } from './commands/up';
import { ControlApiError, ControlClient } from './control-client';
import { drillRequest } from './drill-request';
import { flagDuration } from './duration';
import { UsageError } from './usage-error';

// kafkajs 2.2.4 arms a timer with a negative delay on Node 24; Node clamps it to 1 ms and
// warns on every health probe. The warning is noise to a CLI user, so it alone is dropped.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const name = typeof warning === 'string' ? rest[0] : warning.name;
  if (name === 'TimeoutNegativeWarning') return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

const USAGE = `usage: faultline <command> [options]

commands:
  up [--detach] [--keep]   start the local topology; Ctrl-C stops it (--detach leaves it running,
                           --keep keeps its data directory)
  status [--json]          nodes, links and their health
  down                     stop what \`up --detach\` started

drills, through the control API:
  drill <kind> <target> [--for 30s] [--json]
                           start a drill, healed after --for (default 60s); the target is a node,
                           an endpoint (pg-primary, redis-primary: the primary now) or a link
                           'client->server' (quoted, for the shell):
      partition <node|endpoint|link> [--mode blackhole|refuse]
      latency <node|endpoint|link> --latency 300ms [--jitter 50ms]
      kill <node|endpoint>
      replication-delay <replica> --delay 2s
      replication-mode pg-primary --mode async   (commits stop waiting for a standby)
      failover pg|redis   (a planned switchover: a standby promoted, the endpoint moved)
      clock-skew <service> --offset 30s   (backwards: --offset -30s)
  drills [--json]          active drills and the last ones ended
  heal <id> | --all [--json]
                           end one drill, or every active one
  topology [--json]        nodes and links with the faults active on each

scenarios (the workload runs clients through scripted drills, then checks the history):
  scenario run <name> [--duration 60s] [--json]
                           cp-vs-ap, replication-lag, clock-skew-lww, kill-replica,
                           pg-failover, pg-failover-async, redis-split-brain, kafka-outage;
                           prints the report; exit 0 all valid, 1 any invalid, 2 unknown
  report [id] [--json]     a scenario report (the newest by default)

  Durations take ms, s, m or h; a bare number is milliseconds (seconds for --for).

environment:
  FAULTLINE_STATE_DIR      where the running topology is recorded (default ~/.local/state/faultline)
  FAULTLINE_CACHE_DIR      where provisioned Kafka and Toxiproxy live (default ~/.cache/faultline)
  FAULTLINE_URL            the control API, e.g. a port-forward (default: the local topology's)
  FAULTLINE_TOKEN          its admin token (default: the local topology's)
  FAULTLINE_CONNECT_WAIT   how long to keep trying while the control API cannot be connected to,
                           e.g. 30s right after an install (default 0: fail at once)`;

const OPTIONS = {
  detach: { type: 'boolean', default: false },
  keep: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  for: { type: 'string' },
  latency: { type: 'string' },
  jitter: { type: 'string' },
  offset: { type: 'string' },
  delay: { type: 'string' },
  mode: { type: 'string' },
  all: { type: 'boolean', default: false },
  duration: { type: 'string' },
} as const;

/**
 * parseArgs reads the \`-5s\` of \`--offset -5s\` as an option and refuses it; after an option that
 * takes a value, a dash and a digit is that value (a negative duration).
 */
function joinNegativeValues(argv: string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (arg === '--') return [...joined, ...argv.slice(i)];
    const option = (OPTIONS as Record<string, { type: string }>)[arg.slice(2)];
    if (arg.startsWith('--') && option?.type === 'string' && next && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: joinNegativeValues(argv),
    allowPositionals: true,
    options: OPTIONS,
  });
  const [command, ...operands] = positionals;
  if (values.help || command === undefined || command === 'help') {
    console.log(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  const takesOperands = (count: number): void => {
    if (operands.length > count) {
      throw new UsageError(`unexpected argument ${operands[count]}; see \`faultline help\``);
    }
  };
  const stateFile = defaultStateFile();
  switch (command) {
    case 'up':
      takesOperands(0);
      return upCommand({ stateFile, detach: values.detach, keep: values.keep });
    case 'status':
      takesOperands(0);
      return statusCommand(stateFile, values.json);
    case 'down':
      takesOperands(0);
      return downCommand(stateFile);
    case 'drill': {
      const [kind, target] = operands;
      if (kind === undefined || target === undefined) {
        throw new UsageError('drill needs a kind and a target; see `faultline help`');
      }
      takesOperands(2);
      // The flags are checked before the control API is looked for.
      const request = drillRequest(kind, target, values);
      return drillCommand(ControlClient.locate(stateFile), request, values.json);
    }
    case 'drills':
      takesOperands(0);
      return drillsCommand(ControlClient.locate(stateFile), values.json);
    case 'heal': {
      const [id] = operands;
      if ((id === undefined) === !values.all) {
        throw new UsageError('heal takes a drill id or --all; see `faultline help`');
      }
      takesOperands(1);
      const target = id === undefined ? 'all' : { id };
      return healCommand(ControlClient.locate(stateFile), target, values.json);
    }
    case 'topology':
      takesOperands(0);
      return topologyCommand(ControlClient.locate(stateFile), values.json);
    case 'scenario': {
      const [verb, name] = operands;
      if (verb !== 'run' || name === undefined) {
        throw new UsageError(
          'usage: faultline scenario run <name> [--duration 60s]; see `faultline help`',
        );
      }
      takesOperands(2);
      const duration =
        values.duration === undefined
          ? undefined
          : flagDuration('duration', values.duration, 's', false);
      return scenarioRunCommand(
        ControlClient.locate(stateFile),
        name,
        duration === undefined ? undefined : Math.round(duration / 1000),
        values.json,
      );
    }
    case 'report':
      takesOperands(1);
      return reportCommand(ControlClient.locate(stateFile), operands[0], values.json);
    default:
      throw new UsageError(`unknown command ${command}; see \`faultline help\``);
  }
}

/**
 * Exits once stdout and stderr have taken everything written to them: a pipe holds 64 KiB,
 * and process.exit would drop whatever still waits behind it (a long `--json` cut short).
 */
function exit(code: number): void {
  let pending = 2;
  const done = () => --pending === 0 && process.exit(code);
  process.stdout.write('', done);
  process.stderr.write('', done);
}

main(process.argv.slice(2)).then(
  (code) => exit(code),
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    // Errors of usage, of the topology and of the control API are for the user: no stack.
    const misuse =
      err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    const known = misuse || err instanceof TopologyError || err instanceof ControlApiError;
    // parseArgs spreads its hints over several lines; a usage error is one.
    console.error(`faultline: ${misuse ? message.replace(/\s*\n\s*/g, ' ') : message}`);
    if (!known && process.env.FAULTLINE_DEBUG) console.error(err);
    exit(misuse ? 2 : 1);
  },
);
