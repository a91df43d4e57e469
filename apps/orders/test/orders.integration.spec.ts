import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { eventually, httpJson, OtlpReceiver, SupervisedTopology } from '@faultline/testing';
import { pgQuery, readState, ToxiproxyClient } from '@faultline/topology';

interface Order {
  orderId: string;
  state: string;
  reason?: string;
  amount: number;
  steps: { step: string; outcome: string }[];
}

describe('orders: the checkout saga over Kafka', { timeout: 900_000 }, () => {
  const receiver = new OtlpReceiver();
  const url = (node: string) =>
    readState(running.state.stateFile)!.nodes.find((n) => n.name === node)!.url!;
  const json = <T>(u: string, init?: Parameters<typeof httpJson>[1]) => httpJson<T>(u, init);

  const product = async (sku: string, stock: number, priceCents = 100) => {
    const res = await json(`${url('catalog-a')}/products/${sku}`, {
      method: 'PUT',
      body: { name: sku, priceCents, stock },
    });
    assert.equal(res.status, 200);
  };
  const stockOf = async (sku: string) =>
    (
      await json<{ stock: number }>(`${url('catalog-a')}/products/${sku}`, {
        headers: { Consistency: 'strong' },
      })
    ).body.stock;
  const account = async (balance: number) =>
    (
      await json<{ id: string }>(`${url('payments-0')}/accounts`, {
        body: { owner: 'buyer', initialBalance: balance },
      })
    ).body.id;
  const balanceOf = async (id: string) =>
    (await json<{ balance: number }>(`${url('payments-0')}/accounts/${id}`)).body.balance;
  const charges = async (orderId: string) =>
    (await json<unknown[]>(`${url('payments-0')}/payments?idempotencyKey=order-${orderId}`)).body
      .length;
  const place = async (
    items: { sku: string; qty: number }[],
    accountId: string,
    key = randomUUID(),
  ) => {
    const res = await json<{ orderId: string; state: string }>(`${url('orders-0')}/orders`, {
      body: { items, accountId },
      headers: { 'Idempotency-Key': key },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.state, 'pending');
    return res.body.orderId;
  };
  const settled = (orderId: string, timeoutMs = 30_000) =>
    eventually(async () => {
      const order = (await json<Order>(`${url('orders-0')}/orders/${orderId}`)).body;
      assert.ok(
        ['confirmed', 'cancelled'].includes(order.state),
        `order ${orderId} is ${order.state}`,
      );
      return order;
    }, timeoutMs);

  before(async () => {
    const endpoint = await receiver.start();
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
  });
  after(() => receiver.stop());
  // After the receiver's hook: the services start with its endpoint.
  const running = new SupervisedTopology();

  it('happy path: stock reserved, account charged, order confirmed', async () => {
    await product('happy', 10, 250);
    const buyer = await account(10_000);
    const orderId = await place([{ sku: 'happy', qty: 2 }], buyer);
    const order = await settled(orderId);
    assert.equal(order.state, 'confirmed');
    assert.equal(order.amount, 500);
    assert.deepEqual(
      order.steps.map((s) => `${s.step}:${s.outcome}`),
      ['accept:ok', 'reserve:ok', 'charge:ok', 'confirm:ok'],
    );
    assert.equal(await stockOf('happy'), 8);
    assert.equal(await balanceOf(buyer), 9_500);
    assert.equal(await charges(orderId), 1);
  });

  it('out of stock: cancelled, nothing charged', async () => {
    await product('scarce', 1);
    const buyer = await account(10_000);
    const order = await settled(await place([{ sku: 'scarce', qty: 3 }], buyer));
    assert.equal(order.state, 'cancelled');
    assert.equal(order.reason, 'out_of_stock');
    assert.equal(await stockOf('scarce'), 1);
    assert.equal(await balanceOf(buyer), 10_000);
  });

  it('insufficient funds: cancelled, stock released', async () => {
    await product('pricey', 5, 1_000);
    const buyer = await account(500);
    const orderId = await place([{ sku: 'pricey', qty: 1 }], buyer);
    const order = await settled(orderId);
    assert.equal(order.state, 'cancelled');
    assert.equal(order.reason, 'insufficient_funds');
    assert.ok(order.steps.some((s) => s.step === 'release-stock'));
    assert.equal(await stockOf('pricey'), 5);
    assert.equal(await charges(orderId), 0);
  });

  it('the same Idempotency-Key returns the same order; another body under it is 422', async () => {
    await product('dup', 10);
    const buyer = await account(10_000);
    const key = randomUUID();
    const first = await place([{ sku: 'dup', qty: 1 }], buyer, key);
    assert.equal(await place([{ sku: 'dup', qty: 1 }], buyer, key), first);
    const other = await json(`${url('orders-0')}/orders`, {
      body: { items: [{ sku: 'dup', qty: 2 }], accountId: buyer },
      headers: { 'Idempotency-Key': key },
    });
    assert.equal(other.status, 422);
    await settled(first);
    assert.equal(await stockOf('dup'), 9);
  });

  it('bad input: 400 naming the field, 404 for an unknown order', async () => {
    const post = (
      body: unknown,
      headers: Record<string, string> = { 'Idempotency-Key': randomUUID() },
    ) => json(`${url('orders-0')}/orders`, { body, headers });
    const cases: [Promise<{ status: number; body: unknown }>, number, RegExp][] = [
      [
        post({ items: [{ sku: 'x', qty: 1 }], accountId: randomUUID() }, {}),
        400,
        /Idempotency-Key header is required/,
      ],
      [post({ items: [], accountId: randomUUID() }), 400, /items must contain at least 1 elements/],
      [
        post({ items: [{ sku: 'x', qty: 0 }], accountId: randomUUID() }),
        400,
        /qty must not be less than 1/,
      ],
      [post({ items: [{ sku: 'x', qty: 1 }], accountId: 'nope' }), 400, /accountId must be a UUID/],
      [
        post({ items: [{ sku: 'no-such-product', qty: 1 }], accountId: randomUUID() }),
        400,
        /product no-such-product does not exist/,
      ],
      [json(`${url('orders-0')}/orders/${randomUUID()}`), 404, /does not exist/],
      [json(`${url('orders-0')}/orders/42`), 400, /id must be a UUID/],
    ];
    for (const [request, status, message] of cases) {
      const res = await request;
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.match(JSON.stringify(res.body), message);
    }
  });

  it('partition kafka-0 for 10 s under load: orders are accepted, the backlog grows and drains, nothing lost or doubled', async () => {
    await product('outage', 1_000);
    const buyer = await account(1_000_000);
    const toxiproxy = new ToxiproxyClient(url('toxiproxy'));
    const backlog = async () => {
      const text = await (await fetch(`${url('orders-0')}/metrics`)).text();
      return Number(/^faultline_outbox_backlog (\d+)/m.exec(text)?.[1] ?? NaN);
    };
    const drill = await json<{ id: string }>(`${url('control')}/drills`, {
      body: { kind: 'partition', target: 'kafka-0', ttlSeconds: 10 },
      headers: { Authorization: `Bearer ${running.state.adminToken}` },
    });
    assert.equal(drill.status, 201, JSON.stringify(drill.body));
    const orders: string[] = [];
    let maxBacklog = 0;
    const until = Date.now() + 8_000;
    while (Date.now() < until) {
      orders.push(await place([{ sku: 'outage', qty: 1 }], buyer));
      maxBacklog = Math.max(maxBacklog, await backlog());
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(maxBacklog > 0, 'the outbox backlog grew while Kafka was cut off');
    await eventually(async () => {
      const proxies = await toxiproxy.proxies();
      assert.deepEqual(proxies.find((p) => p.name === 'orders-0->kafka-0')!.toxics, []);
    }, 20_000);
    const final = await Promise.all(orders.map((id) => settled(id, 90_000)));
    assert.deepEqual([...new Set(final.map((o) => o.state))], ['confirmed']);
    await eventually(async () => assert.equal(await backlog(), 0), 10_000);
    assert.equal(await stockOf('outage'), 1_000 - orders.length);
    assert.equal(await balanceOf(buyer), 1_000_000 - orders.length * 100);
  });

  it('kill orders-0 mid-saga: restarted, every order ends terminal exactly once', async () => {
    await product('crash', 1_000);
    const buyer = await account(1_000_000);
    const orders = await Promise.all(
      Array.from({ length: 15 }, () => place([{ sku: 'crash', qty: 1 }], buyer)),
    );
    const before = readState(running.state.stateFile)!.nodes.find((n) => n.name === 'orders-0')!;
    process.kill(before.pid, 'SIGKILL');
    await eventually(async () => {
      const restarted = readState(running.state.stateFile)!.nodes.find(
        (n) => n.name === 'orders-0',
      )!;
      assert.notEqual(restarted.pid, before.pid);
      assert.equal((await fetch(`${restarted.url}/ready`)).status, 200);
    }, 60_000);
    const final = await Promise.all(orders.map((id) => settled(id, 90_000)));
    assert.deepEqual([...new Set(final.map((o) => o.state))], ['confirmed']);
    for (const id of orders) assert.equal(await charges(id), 1, `charges of ${id}`);
    assert.equal(await stockOf('crash'), 1_000 - orders.length);
    assert.equal(await balanceOf(buyer), 1_000_000 - orders.length * 100);
  });

  it('redelivered events change nothing', async () => {
    const pg = readState(running.state.stateFile)!.nodes.find((n) => n.name === 'pg-0')!;
    const count = async (sql: string) => (await pgQuery<{ n: number }>(pg, sql, 'faultline'))[0]!.n;
    const events = 'SELECT count(*)::int AS n FROM orders.outbox';
    const processed = 'SELECT count(*)::int AS n FROM orders.processed_events';
    // Quiet first: every event published so far has been consumed (one processed row each).
    await eventually(async () => assert.equal(await count(processed), await count(events)), 30_000);
    const before = { events: await count(events), stock: await stockOf('happy') };
    // Every event published again: the relay republishes whatever is not marked sent.
    await pgQuery(pg, 'UPDATE orders.outbox SET sent_at = NULL', 'faultline');
    await eventually(async () => {
      assert.equal(
        await count('SELECT count(*)::int AS n FROM orders.outbox WHERE sent_at IS NULL'),
        0,
      );
    }, 60_000);
    await new Promise((r) => setTimeout(r, 3_000));
    assert.equal(await count(processed), before.events, 'no event was applied again');
    assert.equal(await count(events), before.events, 'no step ran again (no new events)');
    assert.equal(await stockOf('happy'), before.stock);
  });

  it('one order is one trace across orders, Kafka, catalog and payments', async () => {
    await product('traced', 10);
    const buyer = await account(10_000);
    const orderId = await place([{ sku: 'traced', qty: 1 }], buyer);
    await settled(orderId);
    await eventually(() => {
      const accept = receiver.spans.find(
        (s) =>
          s.resource['service.name'] === 'orders' &&
          s.kind === 2 &&
          String(s.name).includes('/orders') &&
          s.attributes['http.request.method'] !== 'GET',
      );
      assert.ok(accept, 'no server span for POST /orders');
      const services = new Set(
        receiver.spans
          .filter((s) => s.traceId === accept.traceId)
          .map((s) => s.resource['service.name']),
      );
      assert.deepEqual([...services].sort(), ['catalog', 'orders', 'payments']);
      assert.ok(
        receiver.spans.some((s) => s.traceId === accept.traceId && /orders\.saga/.test(s.name)),
        'Kafka spans in the trace',
      );
    }, 20_000);
  });

  it('exposes the saga metrics', async () => {
    const text = await (await fetch(`${url('orders-0')}/metrics`)).text();
    assert.match(text, /^faultline_orders_total\{state="confirmed"\} [1-9]/m);
    // orders-0 was restarted by the kill test: counters count since then.
    assert.match(text, /^faultline_orders_total\{state="cancelled"\} \d+/m);
    assert.match(text, /^faultline_outbox_backlog \d+/m);
    assert.match(
      text,
      /^faultline_kafka_consumer_lag\{group="orders-saga",topic="orders.saga",partition="\d"\} \d+/m,
    );
    assert.match(text, /^faultline_saga_step_duration_seconds_count\{step="charge"\} [1-9]/m);
  });
});
