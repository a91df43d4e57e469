import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import { isAlive, readState, removeState, stopTopology } from '@faultline/topology';
import type { CommandContext } from '../command-context';
import { printProgress } from './up';

/**
 * Stops the running topology. A foreground `faultline up` is asked to stop its
 * own topology (it owns the terminal); a detached one is stopped from here.
 */
async function down(stateFile: string): Promise<number> {
  const state = readState(stateFile);
  if (!state) {
    console.log('no topology is running');
    return 0;
  }
  if (state.ownerPid > 0 && state.ownerPid !== process.pid && isAlive(state.ownerPid)) {
    process.kill(state.ownerPid, 'SIGTERM');
    for (let i = 0; i < 600 && isAlive(state.ownerPid); i++) await sleep(100);
  }
  // The owner normally stops everything itself; whatever it left (it may have died) stops here,
  // with the pids its supervisor last recorded.
  await stopTopology(readState(stateFile) ?? state, printProgress);
  removeState(stateFile);
  console.log('stopped; nothing is left running');
  return 0;
}

export const downCommand = (cli: CommandContext): Command =>
  new Command('down')
    .description('stop the topology `up` started; no process, port or data is left')
    .action(cli.action(() => down(cli.stateFile)));
