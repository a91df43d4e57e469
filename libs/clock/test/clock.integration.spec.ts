import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type INestApplication, Module, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { httpJson } from '@faultline/testing';
import { TelemetryModule } from '@faultline/telemetry';
import { ClockModule, HybridLogicalClock } from '../src';

const ADMIN_TOKEN = 'clock-test-admin-token';

interface ClockReading {
  wallMs: number;
  offsetMs: number;
}

/**
 * A service's app reduced to telemetry and the clock, with the services' validation. Create it
 * after setting FAULTLINE_ADMIN_TOKEN: AdminTokenGuard reads it when the app is created.
 */
async function startApp(): Promise<{ app: INestApplication; base: string }> {
  // Request logs would drown the test's output.
  process.env.LOG_LEVEL = 'warn';
  @Module({
    imports: [
      TelemetryModule.forRoot({ service: 'clock-test' }),
      ClockModule.forRoot({ node: 'clock-a' }),
    ],
  })
  class ClockTestModule {}
  const app = await NestFactory.create(ClockTestModule, { logger: false });
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  await app.listen(0, '127.0.0.1');
  return { app, base: await app.getUrl() };
}

describe('ClockModule in a Nest app', () => {
  let app: INestApplication;
  let base: string;

  const time = () => httpJson<ClockReading>(`${base}/internal/time`);
  const setOffset = (body: unknown, headers: Record<string, string> = {}) =>
    httpJson<ClockReading & { message?: unknown }>(`${base}/internal/clock`, {
      method: 'PUT',
      body,
      headers,
    });
  const asAdmin = { authorization: `Bearer ${ADMIN_TOKEN}` };

  before(async () => {
    process.env.FAULTLINE_ADMIN_TOKEN = ADMIN_TOKEN;
    ({ app, base } = await startApp());
  });

  after(async () => {
    await app?.close();
  });

  it('tells the time without authentication, with no offset at first', async () => {
    const before = Date.now();
    const res = await time();
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), ['offsetMs', 'wallMs']);
    assert.equal(res.body.offsetMs, 0);
    assert.ok(res.body.wallMs >= before && res.body.wallMs <= Date.now());
  });

  it('refuses to set the offset without the admin token or with a wrong one', async () => {
    const missing = await setOffset({ offsetMs: 30_000 });
    assert.equal(missing.status, 401);
    assert.match(JSON.stringify(missing.body), /missing bearer token/);
    const wrong = await setOffset({ offsetMs: 30_000 }, { authorization: 'Bearer not-the-token' });
    assert.equal(wrong.status, 401);
    assert.match(JSON.stringify(wrong.body), /invalid admin token/);
    assert.equal((await time()).body.offsetMs, 0);
  });

  it('answers 400 naming offsetMs unless it is an integer within ±24 h', async () => {
    for (const body of [
      { offsetMs: 1.5 },
      { offsetMs: 90_000_000 },
      { offsetMs: -90_000_000 },
      { offsetMs: '30000' },
      {},
    ]) {
      const res = await setOffset(body, asAdmin);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(JSON.stringify(res.body.message), /offsetMs/, JSON.stringify(body));
    }
    assert.equal((await time()).body.offsetMs, 0);
  });

  describe('with the admin token', () => {
    before(async () => {
      const res = await setOffset({ offsetMs: 30_000 }, asAdmin);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.offsetMs, 30_000);
    });

    it('skews the clock by the offset', async () => {
      const { body } = await time();
      assert.equal(body.offsetMs, 30_000);
      assert.ok(Math.abs(body.wallMs - (Date.now() + 30_000)) < 1_000, String(body.wallMs));
    });

    it('exposes the offset in seconds as faultline_clock_offset_seconds', async () => {
      const exposition = await (await fetch(`${base}/metrics`)).text();
      assert.match(exposition, /^faultline_clock_offset_seconds\{node="clock-a"\} 30$/m);
    });

    it('gives the hybrid logical clock the skewed wall time', () => {
      const before = Date.now();
      const { wallMs } = app.get(HybridLogicalClock).send();
      assert.ok(wallMs >= before + 30_000 && wallMs <= Date.now() + 30_000, String(wallMs));
    });
  });
});

describe('ClockModule without FAULTLINE_ADMIN_TOKEN', () => {
  let app: INestApplication;
  let base: string;

  before(async () => {
    delete process.env.FAULTLINE_ADMIN_TOKEN;
    ({ app, base } = await startApp());
  });

  after(async () => {
    await app?.close();
  });

  it('refuses to set the offset whatever the token', async () => {
    for (const token of [ADMIN_TOKEN, 'undefined', '""']) {
      const res = await httpJson<{ message: string }>(`${base}/internal/clock`, {
        method: 'PUT',
        body: { offsetMs: 30_000 },
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(res.status, 401, token);
      assert.match(res.body.message, /FAULTLINE_ADMIN_TOKEN is unset/);
    }
    const { body } = await httpJson<ClockReading>(`${base}/internal/time`);
    assert.equal(body.offsetMs, 0);
  });
});
