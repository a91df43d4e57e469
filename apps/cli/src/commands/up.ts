import {
  anyNodeAlive,
  type ProgressEvent,
  readState,
  removeState,
  startTopology,
  stopTopology,
  TopologyError,
  topologyStatus,
  type TopologyState,
  writeState,
} from '@faultline/topology';
import { formatStatus } from './status';

export interface UpOptions {
  stateFile: string;
  detach: boolean;
  keep: boolean;
}

export function printProgress(event: ProgressEvent): void {
  switch (event.phase) {
    case 'starting':
      console.log(`  … ${event.node} starting`);
      break;
    case 'healthy':
      console.log(`  ✓ ${event.node} healthy (${(event.ms / 1000).toFixed(1)} s)`);
      break;
    case 'failed':
      console.log(`  ✗ ${event.node} failed: ${event.error.split('\n')[0]}`);
      break;
    case 'stopped':
      console.log(`  ■ ${event.node} stopped`);
      break;
  }
}

/** Refuses to start over a running topology; clears the record of one that is gone. */
function claimStateFile(stateFile: string): void {
  const existing = readState(stateFile);
  if (!existing) return;
  if (anyNodeAlive(existing)) {
    throw new TopologyError(
      `a topology is already running (started ${existing.startedAt}, ${stateFile}): stop it with \`faultline down\``,
    );
  }
  removeState(stateFile);
}

async function runUntilSignalled(state: TopologyState, stateFile: string): Promise<number> {
  // Signal listeners alone do not keep Node's event loop alive; this timer does.
  const keepAlive = setInterval(() => undefined, 60_000);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(keepAlive);
  console.log(`\n${signal}: stopping the topology`);
  await stopTopology(state, printProgress);
  removeState(stateFile);
  console.log('stopped; nothing is left running');
  return 0;
}

export async function upCommand(options: UpOptions): Promise<number> {
  claimStateFile(options.stateFile);
  console.log('starting the faultline topology');
  const state = await startTopology({ keep: options.keep, onProgress: printProgress });
  writeState(options.stateFile, { ...state, ownerPid: options.detach ? 0 : process.pid });
  console.log(`\n${formatStatus(await topologyStatus(state))}\n`);
  console.log(`data: ${state.rootDir}`);
  if (options.detach) {
    console.log('running in the background; stop it with `faultline down`');
    return 0;
  }
  console.log('press Ctrl-C to stop');
  return runUntilSignalled(state, options.stateFile);
}
