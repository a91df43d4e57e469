import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { eventually, OtlpReceiver, type ReceivedSpan } from '@faultline/testing';

const PRELOAD = join(__dirname, '../src/preload.js');
const FIXTURE_MAIN = join(__dirname, 'fixture/main.js');
const TRACE_ID = /^[0-9a-f]{32}$/;

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

const SPAN_KIND_SERVER = 2;

/** The fixture app, started as services are: the preload first, then the app's main.js. */
class FixtureProcess {
  readonly stdout: string[] = [];
  stderr = '';
  readonly url: string;
  private readonly child: ChildProcess;
  readonly exited: Promise<NodeJS.Signals | number | null>;

  private constructor(port: number, env: NodeJS.ProcessEnv) {
    this.url = `http://127.0.0.1:${port}`;
    this.child = spawn(process.execPath, ['--require', PRELOAD, FIXTURE_MAIN], {
      env: { PATH: process.env.PATH, PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.stdout.push(line));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = once(this.child, 'exit').then(([code, signal]) => signal ?? code);
  }

  static async start(env: NodeJS.ProcessEnv): Promise<FixtureProcess> {
    const fixture = new FixtureProcess(await freePort(), env);
    try {
      await eventually(async () => {
        assert.equal(fixture.child.exitCode, null, `fixture exited: ${fixture.stderr}`);
        assert.equal((await fetch(`${fixture.url}/health`)).status, 200);
      }, 15_000);
    } catch (err) {
      await fixture.stop();
      throw err;
    }
    return fixture;
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.url}${path}`, { headers });
  }

  /** Every stdout line parsed as JSON (failing on one that is not). */
  logLines(): Record<string, unknown>[] {
    return this.stdout.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** The first log line that matches, once the child has written it. */
  logged(matches: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    return eventually(() => {
      const line = this.logLines().find(matches);
      assert.ok(line, 'logged');
      return line;
    }, 5_000);
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  line: string;
}

/** The samples of an exposition (label values without escapes, which these tests do not use). */
function samples(exposition: string): Sample[] {
  return exposition
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [, name, labels = ''] = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})?/.exec(line)!;
      return {
        name,
        labels: Object.fromEntries(
          [...labels.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v]),
        ),
        line,
      };
    });
}

function findSample(all: Sample[], name: string, labels: Record<string, string>): Sample {
  const found = all.find(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  assert.ok(found, `no ${name} sample with ${JSON.stringify(labels)}`);
  return found;
}

/** The body of a failed /ready: the failed checks by name. */
interface ReadinessAnswer {
  error: Record<string, { status: string; message: string }>;
}

const traceparent = (traceId: string, parentId: string): string => `00-${traceId}-${parentId}-01`;

describe('telemetry of a service process', { timeout: 30_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-telemetry-'));
  const readinessFile = join(dir, 'readiness');
  const receiver = new OtlpReceiver();
  let fixture: FixtureProcess | undefined;
  const app = (): FixtureProcess => {
    assert.ok(fixture, 'fixture started');
    return fixture;
  };

  before(async () => {
    writeFileSync(readinessFile, 'up');
    fixture = await FixtureProcess.start({
      OTEL_SERVICE_NAME: 'fixture',
      OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=fixture-0',
      OTEL_EXPORTER_OTLP_ENDPOINT: await receiver.start(),
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      FIXTURE_READINESS_FILE: readinessFile,
    });
  });

  after(async () => {
    await fixture?.stop();
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records every request by route pattern and status, beside the default process metrics', async () => {
    assert.equal((await app().get('/items/42')).status, 200);
    assert.equal((await app().get('/items/42/conflict')).status, 409);
    assert.equal((await app().get('/no/such/thing')).status, 404);
    const postItem = (body: string): Promise<Response> =>
      fetch(`${app().url}/items`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
      });
    assert.equal((await postItem('{}')).status, 400, 'ValidationPipe rejects it');
    assert.equal((await postItem('{"name":')).status, 400, 'the body parser rejects it');

    const plain = await app().get('/metrics');
    assert.equal(plain.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    const text = await plain.text();
    const all = samples(text);
    const bucket = 'faultline_http_server_duration_seconds_bucket';
    const http = { service: 'fixture', method: 'GET' };
    findSample(all, bucket, { ...http, route: '/items/:id', status: '200' });
    findSample(all, bucket, { ...http, route: '/items/:id/conflict', status: '409' });
    findSample(all, bucket, { ...http, route: 'unmatched', status: '404' });
    const post = { service: 'fixture', method: 'POST' };
    findSample(all, bucket, { ...post, route: '/items', status: '400' });
    findSample(all, bucket, { ...post, route: 'unmatched', status: '400' });
    findSample(all, 'process_cpu_user_seconds_total', {});
    assert.match(text, /^# TYPE process_cpu_user_seconds_total counter$/m);
    assert.doesNotMatch(text, / # \{|^# EOF/m, 'no OpenMetrics syntax in the Prometheus format');

    const openMetrics = await app().get('/metrics', {
      Accept: 'application/openmetrics-text; version=1.0.0',
    });
    assert.equal(
      openMetrics.headers.get('content-type'),
      'application/openmetrics-text; version=1.0.0; charset=utf-8',
    );
    const withExemplars = await openMetrics.text();
    assert.match(
      withExemplars,
      /^faultline_http_server_duration_seconds_bucket\{[^}]*\} \d+ # \{trace_id="[0-9a-f]{32}"\} [\d.e-]+ [\d.]+$/m,
    );
    assert.match(withExemplars, /# EOF\n$/);
  });

  describe('a request that arrives with a traceparent', () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');

    before(async () => {
      const response = await app().get('/items/42', {
        traceparent: traceparent(traceId, callerSpanId),
      });
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { id: '42' });
    });

    const serverSpan = (): Promise<ReceivedSpan> =>
      eventually(() => {
        const span = receiver.spans.find(
          (s) => s.traceId === traceId && s.kind === SPAN_KIND_SERVER,
        );
        assert.ok(span, 'server span exported');
        return span;
      }, 10_000);

    it('is exported as a server span of the caller trace, with the service resource', async () => {
      const span = await serverSpan();
      assert.equal(span.parentSpanId, callerSpanId);
      assert.equal(span.name, 'GET /items/:id');
      assert.equal(span.resource['service.name'], 'fixture');
      assert.equal(span.resource['service.instance.id'], 'fixture-0');
    });

    it('is logged as JSON with the trace and span ids of its server span', async () => {
      const span = await serverSpan();
      const logged = await app().logged(
        (line) => line.msg === 'item 42 read' && line.trace_id === traceId,
      );
      assert.equal(logged.span_id, span.spanId);
      assert.equal(logged.service, 'fixture');
      assert.equal(logged.level, 'info');
      await app().logged((line) => line.msg === 'request completed' && line.trace_id === traceId);
      assert.ok(
        app()
          .logLines()
          .every((line) => !/^\/(metrics|health|ready)/.test(String(Object(line.req).url))),
        'operational endpoints are not request-logged',
      );
      assert.ok(
        receiver.spans.every((s) => !/\/(metrics|health|ready)/.test(s.name)),
        'operational endpoints are not traced',
      );
    });
  });

  it('answers /health, and /ready by the readiness checks within their time bound', async () => {
    assert.equal((await app().get('/health')).status, 200);
    assert.equal((await app().get('/ready')).status, 200);

    writeFileSync(readinessFile, 'down');
    const down = await app().get('/ready');
    assert.equal(down.status, 503);
    const { error } = (await down.json()) as ReadinessAnswer;
    assert.deepEqual(Object.keys(error), ['dependency']);
    assert.equal(error.dependency.status, 'down');
    assert.equal(error.dependency.message, 'dependency is down');

    writeFileSync(readinessFile, 'hang');
    const started = Date.now();
    const hung = await app().get('/ready');
    assert.equal(hung.status, 503);
    assert.match(
      ((await hung.json()) as ReadinessAnswer).error.dependency.message,
      /timeout of 2000ms exceeded/,
    );
    assert.ok(Date.now() - started < 3_000, 'a hanging check is cut off');
    assert.equal((await app().get('/health')).status, 200, 'liveness ignores readiness');

    writeFileSync(readinessFile, 'up');
    assert.equal((await app().get('/ready')).status, 200);
  });

  it('leaves /metrics, /health and /ready out of the OpenAPI document', async () => {
    const document = (await (await app().get('/docs-json')).json()) as {
      paths: Record<string, unknown>;
    };
    assert.deepEqual(Object.keys(document.paths).sort(), [
      '/items',
      '/items/{id}',
      '/items/{id}/conflict',
    ]);
  });
});

describe('telemetry without an OTLP endpoint', { timeout: 20_000 }, () => {
  let fixture: FixtureProcess | undefined;
  after(() => fixture?.stop());

  it('starts and serves, still correlating logs with traces', async () => {
    fixture = await FixtureProcess.start({ OTEL_SERVICE_NAME: 'fixture' });
    assert.equal((await fixture.get('/items/7')).status, 200);
    const logged = await fixture.logged((line) => line.msg === 'item 7 read');
    assert.match(String(logged.trace_id), TRACE_ID);
    assert.equal(fixture.stderr, '');
  });
});

describe('telemetry on SIGTERM', { timeout: 20_000 }, () => {
  const receiver = new OtlpReceiver();
  let fixture: FixtureProcess | undefined;
  after(async () => {
    await fixture?.stop();
    await receiver.stop();
  });

  it('closes the app, then flushes the spans still queued, then ends by the signal', async () => {
    fixture = await FixtureProcess.start({
      OTEL_SERVICE_NAME: 'fixture',
      OTEL_EXPORTER_OTLP_ENDPOINT: await receiver.start(),
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      // Nothing would be exported before the signal without the flush at shutdown.
      OTEL_BSP_SCHEDULE_DELAY: '60000',
    });
    const traceId = randomBytes(16).toString('hex');
    const response = await fixture.get('/items/9', {
      traceparent: traceparent(traceId, randomBytes(8).toString('hex')),
    });
    assert.equal(response.status, 200);
    assert.equal(receiver.spans.length, 0);

    fixture.signal('SIGTERM');
    assert.equal(await fixture.exited, 'SIGTERM');
    assert.ok(receiver.spans.some((span) => span.traceId === traceId));
  });
});
