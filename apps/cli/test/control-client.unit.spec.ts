import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { assertOneLineError, faultline } from './run-cli';

// The CLI against a stand-in for the control API: what it sends, what it prints, how it exits.
// The real control service has its own tests.

const TOKEN = 'test-token';

interface Received {
  method: string;
  url: string;
  body: unknown;
}

interface Answer {
  status: number;
  /** JSON, or a string sent as plain text. */
  body: unknown;
}

const listening = (server: Server): Promise<number> =>
  new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );

const drill = {
  id: '6f1c2a9e-0d4b-4c55-9a57-3b1f0e2d7c11',
  kind: 'latency',
  target: 'catalog-a->redis-primary',
  params: { latencyMs: 300, jitterMs: 0 },
  ttlSeconds: 30,
  startedAt: '2026-05-01T12:00:00.000Z',
  expiresAt: '2026-05-01T12:00:30.000Z',
  state: 'active',
  footprint: ['link:catalog-a->redis-primary'],
};

const healed = { ...drill, state: 'healed', endedAt: '2026-05-01T12:00:10.123Z' };

describe('faultline commands against the control API', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'faultline-cli-control-'));
  let received: Received[] = [];
  let answer: (request: Received) => Answer;
  let env: NodeJS.ProcessEnv;

  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const request = {
        method: req.method!,
        url: req.url!,
        body: text ? (JSON.parse(text) as unknown) : undefined,
      };
      received.push(request);
      const reply: Answer =
        req.headers.authorization === `Bearer ${TOKEN}`
          ? answer(request)
          : { status: 401, body: { statusCode: 401, message: 'invalid admin token' } };
      const json = typeof reply.body !== 'string';
      res.writeHead(reply.status, {
        'content-type': json ? 'application/json' : 'text/plain',
      });
      res.end(json ? JSON.stringify(reply.body) : reply.body);
    });
  });

  before(async () => {
    const port = await listening(server);
    env = {
      FAULTLINE_URL: `http://127.0.0.1:${port}/`,
      FAULTLINE_TOKEN: TOKEN,
      FAULTLINE_STATE_DIR: stateDir,
    };
  });

  beforeEach(() => {
    received = [];
    answer = () => ({ status: 500, body: { statusCode: 500, message: 'no answer set' } });
  });

  after(() => {
    server.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('drill posts kind, target, params and ttlSeconds and prints the drill in one line', async () => {
    answer = () => ({ status: 201, body: drill });
    const run = await faultline(
      env,
      'drill',
      'latency',
      'catalog-a->redis-primary',
      '--latency',
      '300ms',
      '--for',
      '30s',
    );
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(received, [
      {
        method: 'POST',
        url: '/drills',
        body: {
          kind: 'latency',
          target: 'catalog-a->redis-primary',
          params: { latencyMs: 300 },
          ttlSeconds: 30,
        },
      },
    ]);
    assert.equal(
      run.stdout,
      `started drill ${drill.id} latency catalog-a->redis-primary latencyMs=300 jitterMs=0, expires 2026-05-01T12:00:30Z\n`,
    );
    assert.equal(run.stderr, '');
  });

  it('drill --json prints the JSON the API answered', async () => {
    answer = () => ({ status: 201, body: drill });
    const run = await faultline(env, 'drill', 'kill', 'redis-primary', '--json');
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(received[0]!.body, { kind: 'kill', target: 'redis-primary', params: {} });
    assert.deepEqual(JSON.parse(run.stdout), drill);
  });

  it('drill takes a negative --offset, spaced or with =', async () => {
    answer = () => ({ status: 201, body: drill });
    for (const args of [['--offset', '-5s'], ['--offset=-5s']]) {
      received = [];
      const run = await faultline(env, 'drill', 'clock-skew', 'catalog-a', ...args, '--for', '2m');
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(received[0]!.body, {
        kind: 'clock-skew',
        target: 'catalog-a',
        params: { offsetMs: -5_000 },
        ttlSeconds: 120,
      });
    }
  });

  it('drill passes --mode, --jitter and --delay through as params', async () => {
    answer = () => ({ status: 201, body: drill });
    await faultline(env, 'drill', 'partition', 'pg-primary', '--mode', 'refuse');
    await faultline(env, 'drill', 'latency', 'pg-primary', '--latency', '1s', '--jitter', '50');
    await faultline(env, 'drill', 'replication-delay', 'pg-1', '--delay', '2s');
    assert.deepEqual(
      received.map((r) => (r.body as { params: unknown }).params),
      [{ mode: 'refuse' }, { latencyMs: 1_000, jitterMs: 50 }, { delayMs: 2_000 }],
    );
  });

  it('a bad duration is one line naming the flag, exit 2, and no request', async () => {
    const run = await faultline(env, 'drill', 'latency', 'pg-primary', '--latency', 'fast');
    assertOneLineError(
      run,
      2,
      'faultline: --latency fast is not a duration (e.g. 300ms, 30s, 5m, 1h)',
    );
    const negative = await faultline(env, 'drill', 'latency', 'pg-primary', '--for', '-5s');
    assertOneLineError(negative, 2, 'faultline: --for -5s must not be negative');
    assert.deepEqual(received, []);
  });

  it('a 400 from the API is one line with its status and message, exit 1', async () => {
    answer = () => ({
      status: 400,
      body: {
        statusCode: 400,
        error: 'Bad Request',
        message: 'target of a partition drill must be one of: pg-primary, redis-primary',
      },
    });
    const run = await faultline(env, 'drill', 'partition', 'nowhere');
    assertOneLineError(
      run,
      1,
      'faultline: 400 target of a partition drill must be one of: pg-primary, redis-primary',
    );
  });

  it('a 409 and a list of messages are one line too', async () => {
    answer = () => ({
      status: 409,
      body: {
        statusCode: 409,
        message: `drill ${drill.id} (latency pg-primary) is active on link:payments-0->pg-primary: heal it first`,
      },
    });
    assertOneLineError(
      await faultline(env, 'drill', 'partition', 'pg-primary'),
      1,
      `faultline: 409 drill ${drill.id} (latency pg-primary) is active on link:payments-0->pg-primary: heal it first`,
    );
    answer = () => ({
      status: 400,
      body: { statusCode: 400, message: ['kind must be a string', 'target must be a string'] },
    });
    assertOneLineError(
      await faultline(env, 'drill', 'partition', 'pg-primary'),
      1,
      'faultline: 400 kind must be a string; target must be a string',
    );
  });

  it('an error that is not JSON is one line as well', async () => {
    answer = () => ({ status: 502, body: 'upstream\nconnect error\n' });
    assertOneLineError(await faultline(env, 'drills'), 1, 'faultline: 502 upstream connect error');
  });

  it('a wrong token is refused in one line that says what to check', async () => {
    const run = await faultline({ ...env, FAULTLINE_TOKEN: 'wrong' }, 'drills');
    assertOneLineError(run, 1, 'faultline: 401 invalid admin token (check FAULTLINE_TOKEN)');
  });

  it('drills lists every drill in a table', async () => {
    answer = () => ({
      status: 200,
      body: [
        { ...drill, id: 'd1' },
        { ...healed, id: 'd2', kind: 'kill', params: {} },
      ],
    });
    const run = await faultline(env, 'drills');
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(received, [{ method: 'GET', url: '/drills', body: undefined }]);
    assert.deepEqual(run.stdout.trimEnd().split('\n'), [
      'ID  KIND     TARGET                    PARAMS                    STATE   STARTED               EXPIRES/ENDED',
      'd1  latency  catalog-a->redis-primary  latencyMs=300 jitterMs=0  active  2026-05-01T12:00:00Z  2026-05-01T12:00:30Z',
      'd2  kill     catalog-a->redis-primary  -                         healed  2026-05-01T12:00:00Z  2026-05-01T12:00:10Z',
    ]);
  });

  /** A run that is done at once, with this verdict, and its report. */
  const finishedRun =
    (verdict: string) =>
    ({ method, url }: Received): Answer =>
      method === 'POST' && url === '/runs'
        ? { status: 201, body: { id: 'r1', scenario: 'cp-vs-ap', phase: 'done', ops: 9, verdict } }
        : url === '/reports/r1'
          ? { status: 200, body: { id: 'r1', verdict, markdown: `# cp-vs-ap: ${verdict}` } }
          : { status: 404, body: { statusCode: 404, message: `no ${url}` } };

  it('scenario run posts the scenario, its duration and seed, follows the run, prints the report', async () => {
    answer = (r) =>
      r.url === '/runs/r1'
        ? { status: 200, body: { id: 'r1', phase: 'done', ops: 40, verdict: 'valid' } }
        : r.method === 'POST'
          ? { status: 201, body: { id: 'r1', phase: 'running', ops: 0, seed: 7 } }
          : finishedRun('valid')(r);
    const run = await faultline(
      env,
      'scenario',
      'run',
      'cp-vs-ap',
      '--duration',
      '1.5m',
      '--seed',
      '7',
    );
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(received[0], {
      method: 'POST',
      url: '/runs',
      body: { scenario: 'cp-vs-ap', durationSeconds: 90, seed: 7 },
    });
    assert.equal(received.filter((r) => r.url === '/runs/r1').length, 1, 'polled until done');
    assert.equal(
      run.stdout,
      'run r1: cp-vs-ap, seed 7\n  … running (0 operations so far)\n# cp-vs-ap: valid\n',
    );
  });

  it('scenario run exits 0 when valid, 1 when invalid, 2 when unknown; --json prints only the report', async () => {
    for (const [verdict, code] of [
      ['valid', 0],
      ['invalid', 1],
      ['unknown', 2],
    ] as const) {
      answer = finishedRun(verdict);
      const run = await faultline(env, 'scenario', 'run', 'cp-vs-ap', '--json');
      assert.equal(run.code, code, `${verdict}: ${run.stderr}`);
      assert.deepEqual(JSON.parse(run.stdout), {
        id: 'r1',
        verdict,
        markdown: `# cp-vs-ap: ${verdict}`,
      });
    }
    assert.deepEqual(received[0]!.body, { scenario: 'cp-vs-ap' }, 'no duration: the default');
  });

  it('a scenario run that failed is one line, exit 1', async () => {
    answer = () => ({
      status: 201,
      body: { id: 'r1', phase: 'failed', ops: 0, error: 'control did not answer' },
    });
    const run = await faultline(env, 'scenario', 'run', 'baseline', '--json');
    assert.equal(run.code, 1);
    assert.equal(run.stderr, 'faultline: run r1 failed: control did not answer\n');
  });

  it('report prints the newest report, or the one named; says how to make the first', async () => {
    answer = (r) =>
      r.url === '/reports'
        ? { status: 200, body: [{ id: 'r1' }, { id: 'r0' }] }
        : finishedRun('invalid')(r);
    const newest = await faultline(env, 'report');
    assert.equal(newest.code, 0, newest.stderr);
    assert.equal(newest.stdout, '# cp-vs-ap: invalid\n');
    const named = await faultline(env, 'report', 'r1', '--json');
    assert.equal(named.code, 0, named.stderr);
    assert.equal((JSON.parse(named.stdout) as { id: string }).id, 'r1');
    assert.deepEqual(
      received.map((r) => r.url),
      ['/reports', '/reports/r1', '/reports/r1'],
    );

    answer = () => ({ status: 200, body: [] });
    const none = await faultline(env, 'report');
    assert.equal(none.code, 0, none.stderr);
    assert.equal(none.stdout, 'no reports yet: run one with `faultline scenario run cp-vs-ap`\n');
  });

  it('writes all of a long --json answer to a pipe before it exits', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ ...drill, id: `d${i}` }));
    answer = () => ({ status: 200, body: many });
    const run = await faultline(env, 'drills', '--json');
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.length > 4 * 65_536, `${run.stdout.length} bytes: more than a pipe holds`);
    assert.equal((JSON.parse(run.stdout) as unknown[]).length, 1000);
  });

  it('heal <id> deletes that drill; heal --all deletes every active one', async () => {
    answer = (r) => ({ status: 200, body: r.url === '/drills' ? [healed] : healed });
    const one = await faultline(env, 'heal', drill.id);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(
      one.stdout,
      `${drill.id} latency catalog-a->redis-primary latencyMs=300 jitterMs=0: healed 2026-05-01T12:00:10Z\n`,
    );
    const all = await faultline(env, 'heal', '--all');
    assert.equal(all.code, 0, all.stderr);
    assert.equal(all.stdout, one.stdout);
    assert.deepEqual(
      received.map((r) => `${r.method} ${r.url}`),
      [`DELETE /drills/${drill.id}`, 'DELETE /drills'],
    );

    answer = () => ({ status: 200, body: [] });
    assert.equal((await faultline(env, 'heal', '--all')).stdout, 'no drill was active\n');
  });

  it('heal without an id or --all is a usage error', async () => {
    assertOneLineError(
      await faultline(env, 'heal'),
      2,
      'faultline: heal takes a drill id or --all; see `faultline help`',
    );
    assert.deepEqual(received, []);
  });

  it('topology prints nodes, where each endpoint leads, and links with the faults on each', async () => {
    const fault = {
      drillId: 'd1',
      kind: 'latency',
      params: { latencyMs: 300, jitterMs: 0 },
      expiresAt: drill.expiresAt,
    };
    answer = () => ({
      status: 200,
      body: {
        nodes: [
          {
            ...{ name: 'redis-primary', kind: 'redis', role: 'primary', host: '127.0.0.1' },
            ...{ port: 6380, pid: 101, healthy: true, faults: [] },
          },
          {
            ...{ name: 'catalog-a', kind: 'app', role: 'service', host: '127.0.0.1', port: 3001 },
            ...{ pid: 102, healthy: false, url: 'http://127.0.0.1:3001' },
            faults: [{ drillId: 'd2', kind: 'kill', params: {}, expiresAt: drill.expiresAt }],
          },
        ],
        endpoints: [
          { name: 'pg-primary', kind: 'postgres' },
          { name: 'redis-primary', kind: 'redis', node: 'redis-0' },
        ],
        links: [
          {
            ...{ name: 'catalog-a->redis-primary', client: 'catalog-a', server: 'redis-primary' },
            ...{ listen: '127.0.0.1:7001', upstream: '127.0.0.1:6380', enabled: true },
            toxics: [{ name: 't', type: 'latency', stream: 'downstream', attributes: {} }],
            faults: [fault],
          },
        ],
      },
    });
    const run = await faultline(env, 'topology');
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(received, [{ method: 'GET', url: '/topology', body: undefined }]);
    assert.deepEqual(run.stdout.trimEnd().split('\n'), [
      'NODE           KIND   ROLE     ADDRESS         PID  HEALTHY  URL                    FAULTS',
      'redis-primary  redis  primary  127.0.0.1:6380  101  yes                             -',
      'catalog-a      app    service  127.0.0.1:3001  102  NO       http://127.0.0.1:3001  kill d2',
      '',
      'ENDPOINT       KIND      NODE',
      'pg-primary     postgres  -',
      'redis-primary  redis     redis-0',
      '',
      'LINK                      LISTEN          UPSTREAM        STATE  TOXICS               FAULTS',
      'catalog-a->redis-primary  127.0.0.1:7001  127.0.0.1:6380  up     latency(downstream)  latency d1 latencyMs=300 jitterMs=0',
    ]);
  });

  it('finds the control API and its token in the local state file', async () => {
    answer = () => ({ status: 200, body: [] });
    const local = mkdtempSync(join(tmpdir(), 'faultline-cli-state-'));
    try {
      writeFileSync(
        join(local, 'state.json'),
        JSON.stringify({
          adminToken: TOKEN,
          nodes: [{ name: 'control', url: env.FAULTLINE_URL }],
          links: [],
        }),
      );
      const run = await faultline(
        { FAULTLINE_STATE_DIR: local, FAULTLINE_URL: '', FAULTLINE_TOKEN: '' },
        'drills',
      );
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(received, [{ method: 'GET', url: '/drills', body: undefined }]);
    } finally {
      rmSync(local, { recursive: true, force: true });
    }
  });

  it('without a state file or FAULTLINE_URL says to run `faultline up` or set FAULTLINE_URL', async () => {
    const run = await faultline(
      { FAULTLINE_STATE_DIR: stateDir, FAULTLINE_URL: '', FAULTLINE_TOKEN: '' },
      'drills',
    );
    assertOneLineError(
      run,
      1,
      `faultline: no topology is running (no ${join(stateDir, 'state.json')}): start one with \`faultline up\`, or set FAULTLINE_URL to a control API`,
    );
  });

  it('with FAULTLINE_CONNECT_WAIT, a refused connection is tried again until the API answers, once', async () => {
    const late = createServer((req, res) => {
      lateRequests.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    });
    const lateRequests: string[] = [];
    const port = await listening(late);
    await new Promise((resolve) => late.close(resolve));
    const run = faultline(
      { ...env, FAULTLINE_URL: `http://127.0.0.1:${port}`, FAULTLINE_CONNECT_WAIT: '20s' },
      'drills',
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await new Promise<void>((resolve) => late.listen(port, '127.0.0.1', resolve));
    try {
      const done = await run;
      assert.equal(done.code, 0, done.stderr);
      assert.deepEqual(lateRequests, ['GET /drills']);
    } finally {
      await new Promise((resolve) => late.close(resolve));
    }
  });

  it('a FAULTLINE_CONNECT_WAIT that is no duration is one line', async () => {
    const run = await faultline({ ...env, FAULTLINE_CONNECT_WAIT: 'soon' }, 'drills');
    assertOneLineError(
      run,
      1,
      'faultline: FAULTLINE_CONNECT_WAIT must be a duration such as 30s, not soon',
    );
  });

  it('a refused connection is one line naming the URL', async () => {
    const closed = createServer();
    const port = await listening(closed);
    await new Promise((resolve) => closed.close(resolve));
    const run = await faultline({ ...env, FAULTLINE_URL: `http://127.0.0.1:${port}` }, 'drills');
    assertOneLineError(
      run,
      1,
      `faultline: cannot reach the control API at http://127.0.0.1:${port} (connection refused)`,
    );
  });
});
