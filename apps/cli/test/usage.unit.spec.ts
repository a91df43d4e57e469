import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SCENARIOS } from '../../workload/src/scenarios/scenarios';
import { DRILL_KINDS } from '@faultline/contracts';
import { assertOneLineError, faultline } from './run-cli';

// Nowhere to find a topology, a control API, Kafka or Toxiproxy: a command line the parser let
// through would fail at once (exit 1) rather than call or start anything.
const dir = mkdtempSync(join(tmpdir(), 'faultline-cli-usage-'));
const env = {
  FAULTLINE_STATE_DIR: dir,
  FAULTLINE_CACHE_DIR: dir,
  FAULTLINE_URL: '',
  FAULTLINE_TOKEN: '',
};
after(() => rmSync(dir, { recursive: true, force: true }));

/** Each command's options: what scripts and the docs rely on, `--json` wherever a table is. */
const COMMAND_OPTIONS: Record<string, string[]> = {
  up: ['--detach', '--keep', '--lab', '--json'],
  status: ['--json'],
  down: [],
  drill: ['--for', '--latency', '--jitter', '--offset', '--delay', '--mode', '--json'],
  drills: ['--json'],
  heal: ['--all', '--json'],
  topology: ['--json'],
  'scenario run': ['--duration', '--seed', '--lock', '--json'],
  report: ['--json'],
};

describe('faultline help', () => {
  it('names every drill kind control knows, each with its target, and every scenario the workload runs', async () => {
    const run = await faultline(env, 'help');
    assert.equal(run.code, 0, run.stderr);
    for (const kind of DRILL_KINDS) {
      assert.match(run.stdout, new RegExp(`^ +${kind} +\\S`, 'm'), kind);
    }
    // A name on its own between commas: pg-failover is not found inside pg-failover-async.
    for (const { name } of SCENARIOS) {
      assert.match(run.stdout, new RegExp(`[ ,]${name}(,|$)`, 'm'), name);
    }
    assert.equal((await faultline(env, '--help')).stdout, run.stdout, '--help is the same help');
  });

  it('lists every command, and `<command> --help` lists that command’s options', async () => {
    const overview = await faultline(env, 'help');
    for (const [command, options] of Object.entries(COMMAND_OPTIONS)) {
      assert.match(overview.stdout, new RegExp(`^ +${command}\\b`, 'm'), command);
      const run = await faultline(env, ...command.split(' '), '--help');
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`^Usage: faultline ${command} `), command);
      const listed = [...run.stdout.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]);
      assert.deepEqual(listed, [...options, '--help'], command);
    }
  });

  it('shows a command’s help for `help <command>`', async () => {
    const run = await faultline(env, 'help', 'drill');
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.stdout, (await faultline(env, 'drill', '--help')).stdout);
    // The drill kinds, with their targets, are part of it.
    for (const kind of DRILL_KINDS) assert.match(run.stdout, new RegExp(`^ +${kind} +\\S`, 'm'));
  });

  it('lists every scenario name in `scenario run --help`', async () => {
    const run = await faultline(env, 'scenario', 'run', '--help');
    assert.equal(run.code, 0, run.stderr);
    for (const { name } of SCENARIOS) assert.match(run.stdout, new RegExp(`"${name}"`), name);
  });
});

describe('faultline usage errors', () => {
  it('answers an unknown command with exit 2 and one line', async () => {
    assertOneLineError(
      await faultline(env, 'launch'),
      2,
      "faultline: unknown command 'launch'; see `faultline help`",
    );
    assertOneLineError(
      await faultline(env, 'scenario', 'walk'),
      2,
      "faultline: unknown command 'walk'; see `faultline scenario --help`",
    );
  });

  it('answers an unknown option with exit 2, naming it and the help to read', async () => {
    assertOneLineError(
      await faultline(env, 'drills', '--tail'),
      2,
      "faultline: unknown option '--tail'; see `faultline drills --help`",
    );
    assertOneLineError(
      await faultline(env, '--verbose', 'status'),
      2,
      "faultline: unknown option '--verbose'; see `faultline help`",
    );
  });

  it('answers a missing or an extra argument, or a missing value, with exit 2', async () => {
    assertOneLineError(
      await faultline(env, 'drill', 'partition'),
      2,
      "faultline: missing required argument 'target'; see `faultline drill --help`",
    );
    assertOneLineError(
      await faultline(env, 'drill', 'latency', 'pg-primary', '--latency'),
      2,
      /^faultline: option '--latency <duration>' argument missing; see `faultline drill --help`$/m,
    );
    assertOneLineError(
      await faultline(env, 'topology', 'pg-0'),
      2,
      /^faultline: too many arguments for 'topology'\. .*; see `faultline topology --help`$/m,
    );
  });

  it('refuses a drill kind or a scenario that does not exist before calling anything', async () => {
    assertOneLineError(
      await faultline(env, 'drill', 'toString', 'pg-primary'),
      2,
      /^faultline: .*'toString' is invalid for argument 'kind'\. Allowed choices are partition, /m,
    );
    assertOneLineError(
      await faultline(env, 'scenario', 'run', 'chaos'),
      2,
      /^faultline: .*'chaos' is invalid for argument 'name'\. Allowed choices are baseline, /m,
    );
  });

  it('refuses a seed the run contract does not take, before calling anything', async () => {
    for (const seed of ['-1', '1.5', 'abc', '4294967296']) {
      assertOneLineError(
        await faultline(env, 'scenario', 'run', 'baseline', '--seed', seed),
        2,
        `faultline: --seed ${seed} must be a whole number from 0 to 4294967295`,
      );
    }
  });

  it('refuses up --json in the foreground, where there is no table to replace', async () => {
    assertOneLineError(
      await faultline(env, 'up', '--json'),
      2,
      'faultline: up --json needs --detach: in the foreground, up prints as it goes',
    );
  });

  it('refuses a lab that does not exist before starting anything', async () => {
    assertOneLineError(
      await faultline(env, 'up', '--lab', 'paxos'),
      2,
      'faultline: --lab must be one of quorum, consensus, not "paxos"',
    );
  });

  it('shows the help on stderr with exit 2 when no command is given', async () => {
    for (const args of [[], ['scenario']]) {
      const run = await faultline(env, ...args);
      assert.equal(run.code, 2, args.join(' '));
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /^Usage: faultline /);
    }
  });
});
