import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BIN, faultline } from './run-cli';
import {
  isAlive,
  LINKS,
  linkName,
  type TopologyState,
  type TopologyStatus,
} from '@faultline/topology';
import { eventually, portOpen } from '@faultline/testing';

describe('faultline CLI', { timeout: 600_000 }, () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'faultline-cli-'));
  const env = { FAULTLINE_STATE_DIR: stateDir };

  after(async () => {
    // Leave nothing running even when an assertion failed half way.
    await faultline(env, 'down');
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('up --detach, status --json and down leave no process or listening port behind', async () => {
    const up = await faultline(env, 'up', '--detach');
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /pg-0\s+postgres\s+primary\s+127\.0\.0\.1:\d+/);
    assert.match(up.stdout, /redis-primary\s+redis\s+redis-0\n/, 'where the endpoint leads');

    const status = await faultline(env, 'status', '--json');
    assert.equal(status.code, 0, status.stderr);
    const report = JSON.parse(status.stdout) as TopologyStatus & {
      control: { url: string; token: string };
    };
    assert.deepEqual(
      report.nodes.map((n) => n.name),
      [
        'toxiproxy',
        'pg-0',
        'pg-1',
        'pg-2',
        'redis-0',
        'redis-1',
        'redis-2',
        'sentinel-0',
        'sentinel-1',
        'sentinel-2',
        'kafka-0',
        'zipkin',
        'payments-0',
        'catalog-a',
        'catalog-b',
        'orders-0',
        'prometheus',
        'control',
        'workload',
      ],
    );
    assert.deepEqual(report.endpoints, [
      { name: 'pg-primary', kind: 'postgres', node: 'pg-0' },
      { name: 'redis-primary', kind: 'redis', node: 'redis-0' },
    ]);
    for (const node of report.nodes) {
      assert.equal(node.healthy, true, `${node.name} healthy`);
      assert.equal(node.host, '127.0.0.1');
      assert.deepEqual(
        Object.keys(node).sort(),
        [
          'healthy',
          'host',
          'kind',
          'name',
          'pid',
          'port',
          'role',
          ...(node.url ? ['url'] : []),
        ].sort(),
      );
    }
    assert.deepEqual(
      report.nodes.filter((n) => n.url).map((n) => n.name),
      [
        'toxiproxy',
        'zipkin',
        'payments-0',
        'catalog-a',
        'catalog-b',
        'orders-0',
        'prometheus',
        'control',
        'workload',
      ],
    );
    // Every link of the model, up and without toxics.
    assert.deepEqual(
      report.links.map((l) => [l.name, l.enabled, l.toxics.length]),
      LINKS.map((l) => [linkName(l), true, 0]),
    );

    const state = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as TopologyState;
    assert.deepEqual(report.control, {
      url: report.nodes.find((n) => n.name === 'control')!.url,
      token: state.adminToken,
    });
    // The detached topology is owned (and supervised) by a background process of its own.
    assert.ok(state.ownerPid > 0 && isAlive(state.ownerPid), 'a live owner process');
    const ports = [
      ...state.nodes.flatMap((n) => [n.port, ...Object.values(n.extraPorts ?? {})]),
      ...state.links.map((l) => Number(l.listen.split(':')[1])),
    ];
    assert.equal(
      (await Promise.all(ports.map(portOpen))).filter(Boolean).length,
      ports.length,
      'every port listens',
    );

    const again = await faultline(env, 'up', '--detach');
    assert.notEqual(again.code, 0, 'a second up must refuse');
    assert.match(again.stderr, /^faultline: a topology is already running .*faultline down/);

    // The background workload (1 op/s per client by default) keeps live verdicts coming.
    const workload = report.nodes.find((n) => n.name === 'workload')!;
    await eventually(async () => {
      const metrics = await (await fetch(`${workload.url}/metrics`)).text();
      assert.match(metrics, /^faultline_checker_valid\{checker="bank"\} 1$/m);
      assert.match(
        metrics,
        /^faultline_workload_ops_total\{service="payments",f="transfer",type="ok"\} [1-9]/m,
      );
    }, 30_000);

    // Supervision: a node that dies outside a kill drill is restarted by the owner process.
    const victim = state.nodes.find((n) => n.name === 'catalog-b')!;
    process.kill(victim.pid, 'SIGKILL');
    await eventually(() => {
      const now = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as TopologyState;
      const restarted = now.nodes.find((n) => n.name === 'catalog-b')!;
      assert.notEqual(restarted.pid, victim.pid);
      assert.ok(isAlive(restarted.pid));
      victim.pid = restarted.pid;
    }, 30_000);

    const down = await faultline(env, 'down');
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(
      state.nodes.filter((n) => isAlive(n.pid)).map((n) => n.name),
      [],
      'processes left',
    );
    assert.equal(isAlive(state.ownerPid), false, 'the owner process is gone');
    assert.deepEqual(
      (await Promise.all(ports.map(portOpen))).some(Boolean),
      false,
      'a port still listens',
    );
    assert.equal(existsSync(state.rootDir), false, 'data directory removed');
    assert.equal(existsSync(join(stateDir, 'state.json')), false, 'state file removed');
  });

  it('up in the foreground runs until SIGTERM, then stops everything', async () => {
    const up = spawn(process.execPath, [BIN, 'up'], { env: { ...process.env, ...env } });
    let output = '';
    up.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    up.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) =>
      up.once('exit', (code) => resolve(code)),
    );
    await Promise.race([
      eventually(() => assert.match(output, /press Ctrl-C to stop/), 120_000),
      exited.then((code) =>
        assert.fail(`faultline up exited with ${code} before it was up:\n${output}`),
      ),
    ]);
    const state = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as TopologyState;
    assert.equal(state.ownerPid, up.pid);
    // Still running a while later: the foreground process must not exit on its own.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal(up.exitCode, null, 'faultline up exited by itself');
    assert.ok(state.nodes.every((n) => isAlive(n.pid)));

    up.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(output, /stopped; nothing is left running/);
    assert.deepEqual(
      state.nodes.filter((n) => isAlive(n.pid)).map((n) => n.name),
      [],
    );
    assert.equal(existsSync(join(stateDir, 'state.json')), false);
  });

  it('answers a status without a topology with one line and a non-zero exit', async () => {
    const status = await faultline(env, 'status');
    assert.equal(status.code, 1);
    assert.equal(status.stderr.trim().split('\n').length, 1);
    assert.match(status.stderr, /no topology is running .*faultline up/);
  });

  it('says what to run when Kafka and Toxiproxy are not provisioned', async () => {
    const emptyCache = mkdtempSync(join(tmpdir(), 'faultline-cache-'));
    try {
      const up = await faultline({ ...env, FAULTLINE_CACHE_DIR: emptyCache }, 'up');
      assert.equal(up.code, 1);
      assert.equal(up.stderr.trim().split('\n').length, 1, up.stderr);
      assert.match(up.stderr, /npm run provision/);
    } finally {
      rmSync(emptyCache, { recursive: true, force: true });
    }
  });
});
