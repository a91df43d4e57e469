import { parseArgs } from 'node:util';
import { defaultStateFile, TopologyError } from '@faultline/topology';
import { downCommand } from './commands/down';
import { statusCommand } from './commands/status';
import { upCommand } from './commands/up';

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

environment:
  FAULTLINE_STATE_DIR      where the running topology is recorded (default ~/.local/state/faultline)
  FAULTLINE_CACHE_DIR      where provisioned Kafka and Toxiproxy live (default ~/.cache/faultline)`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      detach: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    console.log(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  if (rest.length > 0)
    throw new TopologyError(`unexpected argument ${rest[0]}; see \`faultline help\``);
  const stateFile = defaultStateFile();
  switch (command) {
    case 'up':
      return upCommand({ stateFile, detach: values.detach, keep: values.keep });
    case 'status':
      return statusCommand(stateFile, values.json);
    case 'down':
      return downCommand(stateFile);
    default:
      throw new TopologyError(`unknown command ${command}; see \`faultline help\``);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    // Usage errors from parseArgs and TopologyErrors are for the user: one line, no stack.
    const known =
      err instanceof TopologyError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`faultline: ${message}`);
    if (!known && process.env.FAULTLINE_DEBUG) console.error(err);
    process.exit(1);
  },
);
