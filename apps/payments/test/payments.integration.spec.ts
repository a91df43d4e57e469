import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  eventually,
  httpJson,
  type HttpResult,
  OtlpReceiver,
  type ExpectedAnswer,
  itAnswers,
} from '@faultline/testing';
import {
  pgQuery,
  type RunningNode,
  startTopology,
  stopTopology,
  type TopologyState,
  ToxiproxyClient,
} from '@faultline/topology';

interface Account {
  id: string;
  owner: string;
  balance: number;
}

describe('payments (CP) against the real topology', { timeout: 900_000 }, () => {
  let topology: TopologyState;
  let toxiproxy: ToxiproxyClient;
  let base: string;
  let pgPrimary: RunningNode;
  const receiver = new OtlpReceiver();
  const COMMIT_TIMEOUT_MS = 2000;

  const call = <T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => httpJson<T>(`${base}${path}`, { method, body, headers });
  const pay = (key: string | undefined, body: unknown) =>
    call('POST', '/payments', body, key === undefined ? {} : { 'Idempotency-Key': key });
  const refund = (paymentId: string, key?: string) =>
    call(
      'POST',
      `/payments/${paymentId}/refund`,
      undefined,
      key === undefined ? {} : { 'Idempotency-Key': key },
    );
  const transfer = (key: string, body: unknown) =>
    call('POST', '/transfers', body, { 'Idempotency-Key': key });
  const openAccount = async (owner: string, initialBalance: number): Promise<Account> => {
    const res = await call<Account>('POST', '/accounts', { owner, initialBalance });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  };
  const balance = async (id: string): Promise<number> =>
    (await call<Account>('GET', `/accounts/${id}`)).body.balance;
  const paymentsWithKey = async (key: string) =>
    (
      await pgQuery<{ n: string }>(
        pgPrimary,
        `SELECT count(*) AS n FROM payments.payments WHERE idempotency_key = '${key}'`,
        'faultline',
      )
    )[0]!.n;
  const bothStandbysStreaming = () =>
    eventually(async () => {
      const rows = await pgQuery(
        pgPrimary,
        "SELECT 1 FROM pg_stat_replication WHERE state = 'streaming'",
      );
      assert.equal(rows.length, 2);
    }, 60_000);

  before(async () => {
    const endpoint = await receiver.start();
    // The topology hands OTEL_EXPORTER_* on to the services, as a user's collector would be.
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
    topology = await startTopology();
    toxiproxy = new ToxiproxyClient(topology.nodes.find((n) => n.name === 'toxiproxy')!.url!);
    base = topology.nodes.find((n) => n.name === 'payments-0')!.url!;
    pgPrimary = topology.nodes.find((n) => n.name === 'pg-0')!;
  });

  after(async () => {
    if (topology) await stopTopology(topology);
    await receiver.stop();
  });

  describe('bad input is answered with the field at fault, never a 500', () => {
    let account: Account;
    before(async () => (account = await openAccount('bad-input', 1_000)));

    const cases: ExpectedAnswer[] = [
      [
        'missing Idempotency-Key',
        () => pay(undefined, { accountId: randomUUID(), amount: 1, reference: 'r' }),
        400,
        /Idempotency-Key header is required/,
      ],
      [
        'amount as a string',
        () => pay(randomUUID(), { accountId: account.id, amount: '10', reference: 'r' }),
        400,
        /amount must be an integer number/,
      ],
      [
        'fractional amount',
        () => pay(randomUUID(), { accountId: account.id, amount: 1.5, reference: 'r' }),
        400,
        /amount must be an integer number/,
      ],
      [
        'negative amount',
        () => pay(randomUUID(), { accountId: account.id, amount: -5, reference: 'r' }),
        400,
        /amount must not be less than 1/,
      ],
      [
        'zero transfer',
        () => transfer(randomUUID(), { from: account.id, to: randomUUID(), amount: 0 }),
        400,
        /amount must not be less than 1/,
      ],
      [
        'accountId not a UUID',
        () => pay(randomUUID(), { accountId: 'acct-1', amount: 1, reference: 'r' }),
        400,
        /accountId must be a UUID/,
      ],
      [
        'missing reference',
        () => pay(randomUUID(), { accountId: account.id, amount: 1 }),
        400,
        /reference should not be empty/,
      ],
      [
        'unknown field',
        () => pay(randomUUID(), { accountId: account.id, amount: 1, reference: 'r', tip: 1 }),
        400,
        /property tip should not exist/,
      ],
      [
        'unknown account',
        () =>
          pay(randomUUID(), {
            accountId: '00000000-0000-4000-8000-000000000000',
            amount: 1,
            reference: 'r',
          }),
        404,
        /account 00000000-0000-4000-8000-000000000000 does not exist/,
      ],
      [
        'transfer to itself',
        () => transfer(randomUUID(), { from: account.id, to: account.id, amount: 1 }),
        400,
        /from and to must be different accounts/,
      ],
      [
        'negative opening balance',
        () => call('POST', '/accounts', { owner: 'x', initialBalance: -1 }),
        400,
        /initialBalance must not be less than 0/,
      ],
      [
        'missing owner',
        () => call('POST', '/accounts', { initialBalance: 1 }),
        400,
        /owner should not be empty/,
      ],
      ['account id not a UUID', () => call('GET', '/accounts/42'), 400, /id must be a UUID/],
      [
        'unknown payment',
        () => call('GET', `/payments/${randomUUID()}`),
        404,
        /payment .* does not exist/,
      ],
      [
        'refund without Idempotency-Key',
        () => refund(randomUUID()),
        400,
        /Idempotency-Key header is required/,
      ],
      ['refund id not a UUID', () => refund('42', randomUUID()), 400, /id must be a UUID/],
      [
        'refund of an unknown payment',
        () => refund('00000000-0000-4000-8000-000000000000', randomUUID()),
        404,
        /payment 00000000-0000-4000-8000-000000000000 does not exist/,
      ],
      [
        'malformed JSON',
        () =>
          httpJson(`${base}/payments`, {
            rawBody: '{"amount":',
            headers: { 'Idempotency-Key': randomUUID() },
          }),
        400,
        /JSON/,
      ],
      [
        'body too large',
        () =>
          pay(randomUUID(), { accountId: account.id, amount: 1, reference: 'x'.repeat(100_000) }),
        413,
        /too large/i,
      ],
    ];
    itAnswers(cases);

    it('insufficient funds: 409 with the balance it would leave, and nothing charged', async () => {
      const res = await pay(randomUUID(), {
        accountId: account.id,
        amount: 1_500,
        reference: 'too-much',
      });
      assert.equal(res.status, 409);
      assert.deepEqual(
        { ...(res.body as object), message: undefined },
        {
          statusCode: 409,
          error: 'insufficient_funds',
          message: undefined,
          accountId: account.id,
          balance: 1_000,
          wouldLeave: -500,
        },
      );
      assert.equal(await balance(account.id), 1_000);
    });

    it('never overdraws: concurrent payments against a balance for 10 of them charge exactly 10', async () => {
      const drained = await openAccount('drained', 100);
      const responses = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          pay(randomUUID(), { accountId: drained.id, amount: 10, reference: `drain-${i}` }),
        ),
      );
      const statuses = responses.map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 201).length, 10, `statuses: ${statuses}`);
      assert.equal(statuses.filter((s) => s === 409).length, 14, `statuses: ${statuses}`);
      assert.equal(await balance(drained.id), 0);
    });
  });

  describe('idempotency', () => {
    it('replays the stored response for the same key and body, with one effect', async () => {
      const account = await openAccount('replay', 1_000);
      const key = randomUUID();
      const body = { accountId: account.id, amount: 100, reference: 'order-1' };
      const first = await pay(key, body);
      const second = await pay(key, { reference: 'order-1', amount: 100, accountId: account.id });
      assert.equal(first.status, 201);
      assert.equal(second.status, 201);
      assert.deepEqual(second.body, first.body);
      assert.equal(second.headers.get('idempotent-replayed'), 'true');
      assert.equal(await balance(account.id), 900);
      assert.equal(await paymentsWithKey(key), '1');
      const stored = await call('GET', `/payments/${(first.body as { id: string }).id}`);
      assert.deepEqual(stored.body, first.body);
      assert.deepEqual((await call('GET', `/payments?idempotencyKey=${key}`)).body, [first.body]);
      assert.deepEqual((await call('GET', `/payments?idempotencyKey=${randomUUID()}`)).body, []);
      assert.equal((await call('GET', '/payments')).status, 400);
    });

    it('answers 422 for the same key with another body', async () => {
      const account = await openAccount('mismatch', 1_000);
      const key = randomUUID();
      assert.equal(
        (await pay(key, { accountId: account.id, amount: 100, reference: 'a' })).status,
        201,
      );
      const other = await pay(key, { accountId: account.id, amount: 200, reference: 'a' });
      assert.equal(other.status, 422);
      assert.match(JSON.stringify(other.body), /already used with a different request body/);
      assert.equal(await balance(account.id), 900);
    });

    it('applies concurrent duplicates with one key exactly once', async () => {
      const account = await openAccount('concurrent', 1_000);
      const key = randomUUID();
      const body = { accountId: account.id, amount: 10, reference: 'dup' };
      const results = await Promise.all(Array.from({ length: 12 }, () => pay(key, body)));
      assert.deepEqual(
        results.map((r) => r.status),
        Array(12).fill(201),
      );
      assert.equal(new Set(results.map((r) => (r.body as { id: string }).id)).size, 1);
      assert.equal(await paymentsWithKey(key), '1');
      assert.equal(await balance(account.id), 990);
    });
  });

  describe('refunds (the saga compensation)', () => {
    const payment = async (owner: string, amount: number) => {
      const account = await openAccount(owner, 1_000);
      const res = await pay(randomUUID(), { accountId: account.id, amount, reference: owner });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return { account, payment: res.body as { id: string; refundedAt: string | null } };
    };

    it('credits the payment back once, and the payment shows refundedAt', async () => {
      const { account, payment: paid } = await payment('refund-once', 300);
      assert.equal(paid.refundedAt, null);
      assert.equal((await call<typeof paid>('GET', `/payments/${paid.id}`)).body.refundedAt, null);
      assert.equal(await balance(account.id), 700);

      const res = await refund(paid.id, randomUUID());
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const body = res.body as Record<string, unknown>;
      assert.deepEqual(
        { ...body, id: undefined, createdAt: undefined },
        {
          id: undefined,
          paymentId: paid.id,
          accountId: account.id,
          amount: 300,
          createdAt: undefined,
        },
      );
      assert.match(String(body.id), /^[0-9a-f-]{36}$/);
      assert.equal(await balance(account.id), 1_000);
      const stored = (await call<typeof paid>('GET', `/payments/${paid.id}`)).body;
      assert.equal(stored.refundedAt, body.createdAt);
    });

    it('replays the stored refund for the same key, and refuses a second refund with another key', async () => {
      const { account, payment: paid } = await payment('refund-replay', 250);
      const key = randomUUID();
      const first = await refund(paid.id, key);
      assert.equal(first.status, 201, JSON.stringify(first.body));
      const replay = await refund(paid.id, key);
      assert.equal(replay.status, 201);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(replay.body, first.body);

      const second = await refund(paid.id, randomUUID());
      assert.equal(second.status, 409, JSON.stringify(second.body));
      const refundId = (first.body as { id: string }).id;
      assert.deepEqual(
        { ...(second.body as object), message: undefined },
        {
          statusCode: 409,
          error: 'already_refunded',
          message: undefined,
          paymentId: paid.id,
          refundId,
        },
      );
      assert.match((second.body as { message: string }).message, new RegExp(refundId));
      assert.equal(await balance(account.id), 1_000, 'credited once');

      const otherPayment = await refund(randomUUID(), key);
      assert.equal(otherPayment.status, 422, 'the same key for another payment');
    });

    it('lets only one of several concurrent refunds of a payment through', async () => {
      const { account, payment: paid } = await payment('refund-race', 100);
      const results = await Promise.all(
        Array.from({ length: 8 }, () => refund(paid.id, randomUUID())),
      );
      assert.deepEqual(
        results.map((r) => r.status).sort(),
        [201, 409, 409, 409, 409, 409, 409, 409],
      );
      assert.equal(await balance(account.id), 1_000);
    });
  });

  it('conserves the total across 200 concurrent random transfers among 8 accounts', async () => {
    const accounts = await Promise.all(
      Array.from({ length: 8 }, (_, i) => openAccount(`bank-${i}`, 1_000)),
    );
    const expected = new Map(accounts.map((a) => [a.id, 1_000]));
    const results = await Promise.all(
      Array.from({ length: 200 }, async () => {
        const from = accounts[Math.floor(Math.random() * 8)]!.id;
        let to = from;
        while (to === from) to = accounts[Math.floor(Math.random() * 8)]!.id;
        const amount = 1 + Math.floor(Math.random() * 400);
        const res = await transfer(randomUUID(), { from, to, amount });
        return { from, to, amount, status: res.status };
      }),
    );
    assert.deepEqual(
      [...new Set(results.map((r) => r.status))].filter((s) => s !== 201 && s !== 409),
      [],
    );
    for (const r of results.filter((r) => r.status === 201)) {
      expected.set(r.from, expected.get(r.from)! - r.amount);
      expected.set(r.to, expected.get(r.to)! + r.amount);
    }
    const balances = await Promise.all(accounts.map((a) => balance(a.id)));
    const snapshot = await call<Account[]>(
      'GET',
      `/accounts?ids=${accounts.map((a) => a.id).join(',')}`,
    );
    assert.equal(
      snapshot.body.reduce((sum, a) => sum + a.balance, 0),
      8_000,
    );
    assert.equal((await call('GET', '/accounts?ids=nope')).status, 400);
    assert.equal(
      balances.reduce((a, b) => a + b, 0),
      8_000,
    );
    assert.ok(
      balances.every((b) => b >= 0),
      `negative balance in ${balances.join(',')}`,
    );
    assert.deepEqual(
      balances,
      accounts.map((a) => expected.get(a.id)),
    );
  });

  describe('CP under partition', () => {
    afterEach(() => toxiproxy.healAll());

    it('answers 503 indeterminate with both replication links cut, leaves no backend waiting, and the retry after heal applies once', async () => {
      // One account per concurrent request: they must not queue on one row's lock.
      const accounts = await Promise.all(
        Array.from({ length: 10 }, (_, i) => openAccount(`partition-${i}`, 1_000)),
      );
      await bothStandbysStreaming();
      await toxiproxy.blackhole('pg-1->pg-primary');
      await toxiproxy.blackhole('pg-2->pg-primary');
      const keys = Array.from({ length: 50 }, () => randomUUID());
      const body = (i: number) => ({
        accountId: accounts[i % 10]!.id,
        amount: 7,
        reference: `during-partition-${i}`,
      });
      // 50 requests, 10 at a time: a leaked connection would exhaust the pool (10) by the second round.
      const responses: HttpResult[] = [];
      for (let round = 0; round < 5; round++) {
        responses.push(
          ...(await Promise.all(
            keys.slice(round * 10, round * 10 + 10).map((k, j) => pay(k, body(round * 10 + j))),
          )),
        );
        const waiting = await pgQuery(
          pgPrimary,
          "SELECT pid FROM pg_stat_activity WHERE wait_event = 'SyncRep'",
        );
        assert.deepEqual(waiting, [], `backends still waiting on SyncRep after round ${round}`);
      }
      responses.forEach((res, i) => {
        assert.equal(res.status, 503, JSON.stringify(res.body));
        assert.deepEqual(
          { ...(res.body as object), message: undefined },
          {
            error: 'sync_replication_unavailable',
            outcome: 'indeterminate',
            idempotencyKey: keys[i],
            message: undefined,
          },
        );
        assert.ok(res.ms < COMMIT_TIMEOUT_MS + 1_000, `answered in ${res.ms} ms`);
      });

      await toxiproxy.healAll();
      await bothStandbysStreaming();
      const retries = await Promise.all(keys.map((k, i) => pay(k, body(i))));
      assert.deepEqual(
        retries.map((r) => r.status),
        Array(50).fill(201),
      );
      for (const key of keys)
        assert.equal(await paymentsWithKey(key), '1', `payments with key ${key}`);
      for (const account of accounts) assert.equal(await balance(account.id), 1_000 - 5 * 7);
    });

    it('answers a refund 503 indeterminate with both replication links cut; the retry after heal credits once', async () => {
      const account = await openAccount('refund-partition', 1_000);
      const paid = await pay(randomUUID(), {
        accountId: account.id,
        amount: 40,
        reference: 'refund-partition',
      });
      assert.equal(paid.status, 201);
      const paymentId = (paid.body as { id: string }).id;
      await bothStandbysStreaming();
      await toxiproxy.blackhole('pg-1->pg-primary');
      await toxiproxy.blackhole('pg-2->pg-primary');
      const key = randomUUID();
      const during = await refund(paymentId, key);
      assert.equal(during.status, 503, JSON.stringify(during.body));
      assert.deepEqual(
        { ...(during.body as object), message: undefined },
        {
          error: 'sync_replication_unavailable',
          outcome: 'indeterminate',
          idempotencyKey: key,
          message: undefined,
        },
      );
      await toxiproxy.healAll();
      await bothStandbysStreaming();
      const retry = await refund(paymentId, key);
      assert.equal(retry.status, 201, JSON.stringify(retry.body));
      assert.equal(await balance(account.id), 1_000, 'credited exactly once');
    });

    it('keeps succeeding with one replication link cut', async () => {
      const account = await openAccount('one-link', 1_000);
      await bothStandbysStreaming();
      await toxiproxy.blackhole('pg-2->pg-primary');
      for (let i = 0; i < 5; i++) {
        const res = await pay(randomUUID(), {
          accountId: account.id,
          amount: 1,
          reference: `one-link-${i}`,
        });
        assert.equal(res.status, 201, JSON.stringify(res.body));
      }
      await toxiproxy.healAll();
    });
  });

  it('publishes its OpenAPI document at /docs', async () => {
    const docs = await fetch(`${base}/docs`);
    assert.equal(docs.status, 200);
    const spec = (
      await call<{ paths: Record<string, Record<string, unknown>> }>('GET', '/docs-json')
    ).body;
    assert.deepEqual(Object.keys(spec.paths).sort(), [
      '/accounts',
      '/accounts/{id}',
      '/payments',
      '/payments/{id}',
      '/payments/{id}/refund',
      '/transfers',
    ]);
    assert.ok(spec.paths['/payments']!.post, 'POST /payments documented');
    assert.ok(spec.paths['/payments/{id}/refund']!.post, 'POST /payments/{id}/refund documented');
  });

  it('exposes the payments and HTTP metrics with their labels', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    const value = (series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(series + ' '));
      assert.ok(line, `${series} missing`);
      return Number(line.split(' ')[1]);
    };
    assert.ok(value('faultline_payments_commits_total{outcome="ok"}') > 0);
    assert.ok(value('faultline_payments_commits_total{outcome="timeout"}') >= 50);
    assert.ok(value('faultline_payments_commits_total{outcome="rejected"}') >= 1);
    assert.ok(value('faultline_payments_commit_duration_seconds_count{outcome="timeout"}') >= 50);
    assert.match(
      text,
      /faultline_payments_commit_duration_seconds_bucket\{le="0.005",outcome="ok"\} \d+/,
    );
    assert.match(
      text,
      /faultline_http_server_duration_seconds_count\{[^}]*service="payments"[^}]*\} \d+/,
    );
    for (const [route, status] of [
      ['/payments', '503'],
      ['/payments', '201'],
      ['/accounts/:id', '200'],
      ['/transfers', '409'],
    ]) {
      assert.ok(
        text
          .split('\n')
          .some(
            (l) =>
              l.startsWith('faultline_http_server_duration_seconds_count{') &&
              l.includes(`route="${route}"`) &&
              l.includes(`status="${status}"`),
          ),
        `no HTTP duration series for ${route} ${status}`,
      );
    }
  });

  it('traces a request: the HTTP server span is an ancestor of its pg spans', async () => {
    const account = await openAccount('traced', 1_000);
    const res = await pay(randomUUID(), { accountId: account.id, amount: 5, reference: 'traced' });
    assert.equal(res.status, 201);
    await eventually(() => {
      const server = receiver.spans.find(
        (s) =>
          s.kind === 2 &&
          s.resource['service.name'] === 'payments' &&
          String(s.attributes['http.route'] ?? s.name).includes('/payments') &&
          String(s.attributes['http.response.status_code'] ?? s.attributes['http.status_code']) ===
            '201',
      );
      assert.ok(server, 'no server span for POST /payments');
      assert.equal(server.resource['service.instance.id'], 'payments-0');
      const pgSpans = receiver.spans.filter(
        (s) =>
          s.traceId === server.traceId &&
          (s.attributes['db.system'] === 'postgresql' ||
            s.attributes['db.system.name'] === 'postgresql'),
      );
      assert.ok(pgSpans.length >= 3, `only ${pgSpans.length} pg spans in the trace`);
      for (const span of pgSpans)
        assert.ok(receiver.descendsFrom(span, server), `${span.name} is not under the server span`);
    }, 15_000);
  });
});
