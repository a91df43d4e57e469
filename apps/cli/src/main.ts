import { TopologyError } from '@faultline/topology';
import { ControlApiError } from './control-client';
import { runCli } from './program';
import { USAGE_EXIT_CODE, UsageError } from './usage-error';

// kafkajs 2.2.4 arms a timer with a negative delay on Node 24; Node clamps it to 1 ms and
// warns on every health probe. The warning is noise to a CLI user, so it alone is dropped.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const name = typeof warning === 'string' ? rest[0] : warning.name;
  if (name === 'TimeoutNegativeWarning') return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

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

runCli(process.argv.slice(2)).then(
  (code) => exit(code),
  (err: unknown) => {
    // Errors of usage, of the topology and of the control API are for the user: one line.
    const known =
      err instanceof UsageError || err instanceof TopologyError || err instanceof ControlApiError;
    console.error(`faultline: ${err instanceof Error ? err.message : String(err)}`);
    if (!known && process.env.FAULTLINE_DEBUG) console.error(err);
    exit(err instanceof UsageError ? USAGE_EXIT_CODE : 1);
  },
);
