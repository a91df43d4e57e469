import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import {
  anyNodeAlive,
  isAlive,
  LAB_NAMES,
  type LabName,
  type ProgressEvent,
  readState,
  removeState,
  startTopology,
  stopTopology,
  tailOf,
  TopologyError,
  topologyStatus,
  type TopologyState,
  TopologySupervisor,
} from '@faultline/topology';
import { type CommandContext, jsonOption } from '../command-context';
import { type HelpItem, helpSection } from '../help-text';
import { UsageError } from '../usage-error';
import { formatStatus, statusJson } from './status';

interface UpOptions {
  stateFile: string;
  detach: boolean;
  keep: boolean;
  /** Detached only: the status as `status --json` prints it, and nothing else on stdout. */
  json: boolean;
  labs: LabName[];
}

/** `--lab` values: each one of LAB_NAMES. */
function parseLab(value: string, previous: LabName[] = []): LabName[] {
  if (!(LAB_NAMES as readonly string[]).includes(value)) {
    throw new UsageError(
      `--lab must be one of ${LAB_NAMES.join(', ')}, not ${JSON.stringify(value)}`,
    );
  }
  return [...previous, value as LabName];
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

/**
 * The playground's background load, in operations per second per client:
 * FAULTLINE_WORKLOAD_RATE, 1 by default (light, enough to keep every dashboard alive), 0 for none.
 */
export function backgroundWorkloadRate(): number {
  const text = process.env.FAULTLINE_WORKLOAD_RATE ?? '1';
  const rate = Number(text);
  if (!Number.isInteger(rate) || rate < 0 || rate > 50) {
    throw new TopologyError(
      `FAULTLINE_WORKLOAD_RATE must be an integer from 0 to 50, not ${JSON.stringify(text)}`,
    );
  }
  return rate;
}

/** Refuses to start over a running topology; clears the record of one that is gone. */
function claimStateFile(stateFile: string): void {
  const existing = readState(stateFile);
  if (!existing) return;
  if (anyNodeAlive(existing) || (existing.ownerPid > 0 && isAlive(existing.ownerPid))) {
    throw new TopologyError(
      `a topology is already running (started ${existing.startedAt}, ${stateFile}): stop it with \`faultline down\``,
    );
  }
  removeState(stateFile);
}

async function printSummary(state: TopologyState): Promise<void> {
  console.log(`\n${formatStatus(await topologyStatus(state))}\n`);
  const url = (name: string) => state.nodes.find((n) => n.name === name)?.url;
  // The token rides in the address's fragment, which the browser never sends: the page keeps it.
  console.log(
    `console: ${url('control')}/#token=${encodeURIComponent(state.adminToken)}  ` +
      '(open it: topology, drills, scenarios and their verdicts, dashboards)',
  );
  console.log(
    `traces: ${url('zipkin')}/zipkin/  (Zipkin: requests across pg, Redis and Kafka; every workload operation)`,
  );
  console.log(`prometheus: ${url('prometheus')}`);
  console.log(`control API: ${url('control')}  (token: ${state.adminToken})`);
  console.log(`data: ${state.rootDir}`);
}

/**
 * The foreground topology: it owns the servers, restarts any that dies outside a
 * `kill` drill, and stops them all on Ctrl-C or SIGTERM.
 */
async function runInForeground(options: UpOptions): Promise<number> {
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const state = await startTopology({
    keep: options.keep,
    onProgress: printProgress,
    stateFile: options.stateFile,
    workloadRate: backgroundWorkloadRate(),
    labs: options.labs,
  });
  const supervisor = new TopologySupervisor(options.stateFile, (event) =>
    console.log(
      'error' in event
        ? `  ✗ ${event.node} could not be restarted: ${event.error}`
        : `  ↻ ${event.node} died and was restarted (pid ${event.pid})${event.rejoined ? `, rejoined as a standby (${event.rejoined})` : ''}`,
    ),
  ).start();
  await printSummary(state);
  console.log('press Ctrl-C to stop');
  const signal = await signalled;
  console.log(`\n${signal}: stopping the topology`);
  supervisor.stop();
  // The supervisor may have restarted nodes: stop the pids the state file has now.
  await stopTopology(readState(options.stateFile) ?? state, printProgress);
  removeState(options.stateFile);
  console.log('stopped; nothing is left running');
  return 0;
}

/**
 * `up --detach`: the same foreground topology, started as a background process that
 * outlives this one (and keeps supervising); returns once it is up.
 */
async function startDetached(options: UpOptions): Promise<number> {
  mkdirSync(dirname(options.stateFile), { recursive: true });
  const log = join(dirname(options.stateFile), 'up.log');
  const fd = openSync(log, 'w');
  const child = spawn(
    process.execPath,
    [
      process.argv[1]!,
      'up',
      ...(options.keep ? ['--keep'] : []),
      ...options.labs.flatMap((lab) => ['--lab', lab]),
    ],
    {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...process.env, FAULTLINE_STATE_DIR: dirname(options.stateFile) },
    },
  );
  closeSync(fd);
  child.unref();
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  if (!options.json) {
    console.log(`starting the faultline topology in the background (log: ${log})`);
  }
  for (;;) {
    const state = readState(options.stateFile);
    if (state?.nodes.some((n) => n.name === 'control')) {
      if (options.json) console.log(statusJson(state, await topologyStatus(state)));
      else {
        await printSummary(state);
        console.log('running in the background; stop it with `faultline down`');
      }
      return 0;
    }
    if (exited !== undefined) {
      throw new TopologyError(`the topology failed to start:\n${tailOf(log, 15)}`);
    }
    await sleep(200);
  }
}

async function up(options: UpOptions): Promise<number> {
  claimStateFile(options.stateFile);
  if (options.detach) return startDetached(options);
  console.log('starting the faultline topology');
  return runInForeground(options);
}

/** What `up` reads from its environment, besides where the state and the cache are. */
const UP_ENVIRONMENT: HelpItem[] = [
  [
    'FAULTLINE_WORKLOAD_RATE',
    'the background workload: operations per second per client, 0 to 50 (default 1; 0: none)',
  ],
  ['CATALOG_ORDERING', "the catalog's write ordering: wall (the default) or hlc"],
  [
    'REDIS_MIN_REPLICAS_TO_WRITE',
    'replicas (0 to 2) a Redis primary needs, acknowledged within 1 s, to take a write (default 0)',
  ],
];

export const upCommand = (cli: CommandContext): Command =>
  new Command('up')
    .description('start the local topology and wait until every node is healthy; Ctrl-C stops it')
    .option('--detach', 'leave it running in the background, supervised (log: up.log)')
    .option('--keep', 'keep its data directory after it stops')
    .option(
      '--lab <name>',
      `also start an optional lab (repeatable): ${LAB_NAMES.join(', ')} (quorum: a 3-node Cassandra ring and the carts service; consensus: a 3-member etcd cluster and the ledger service)`,
      parseLab,
    )
    .addOption(jsonOption('with --detach: print the status as `status --json` does'))
    .addHelpText(
      'after',
      ({ command }) => `\n${helpSection(command, 'Environment:', UP_ENVIRONMENT)}`,
    )
    .action(
      cli.action(
        async (flags: { detach?: boolean; keep?: boolean; json?: boolean; lab?: LabName[] }) => {
          if (flags.json && !flags.detach) {
            throw new UsageError(
              'up --json needs --detach: in the foreground, up prints as it goes',
            );
          }
          return up({
            stateFile: cli.stateFile,
            detach: Boolean(flags.detach),
            keep: Boolean(flags.keep),
            json: Boolean(flags.json),
            labs: flags.lab ?? [],
          });
        },
      ),
    );
