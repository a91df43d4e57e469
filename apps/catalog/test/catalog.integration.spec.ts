import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  eventually,
  httpJson,
  type HttpResult,
  type ExpectedAnswer,
  itAnswers,
} from '@faultline/testing';
import {
  type CatalogOrdering,
  startTopology,
  stopTopology,
  type TopologyState,
  ToxiproxyClient,
} from '@faultline/topology';

interface Product {
  sku: string;
  name: string;
  priceCents: number;
  stock: number;
  version: number;
  updatedAt: string;
  timestamp: { wallMs: number; logical: number };
  writer: string;
}

interface Reservation {
  sku: string;
  orderId: string;
  qty: number;
  stock: number;
  replayed: boolean;
}

interface Release {
  sku: string;
  orderId: string;
  released: number;
  stock: number;
  replayed: boolean;
}

/** One topology per catalog ordering, and calls to its two catalog instances. */
class CatalogTopology {
  topology!: TopologyState;
  toxiproxy!: ToxiproxyClient;

  constructor(ordering: CatalogOrdering) {
    before(async () => {
      this.topology = await startTopology({ catalogOrdering: ordering });
      this.toxiproxy = new ToxiproxyClient(
        this.topology.nodes.find((n) => n.name === 'toxiproxy')!.url!,
      );
    });
    after(async () => {
      if (this.topology) await stopTopology(this.topology);
    });
  }

  url(node: string): string {
    return this.topology.nodes.find((n) => n.name === node)!.url!;
  }

  put(node: string, sku: string, body: unknown): Promise<HttpResult<Product>> {
    return httpJson<Product>(`${this.url(node)}/products/${sku}`, { method: 'PUT', body });
  }

  get(
    node: string,
    sku: string,
    consistency?: 'eventual' | 'strong',
  ): Promise<HttpResult<Product>> {
    return httpJson<Product>(`${this.url(node)}/products/${sku}`, {
      headers: consistency ? { Consistency: consistency } : {},
    });
  }

  reserve(node: string, sku: string, body: unknown): Promise<HttpResult<Reservation>> {
    return httpJson<Reservation>(`${this.url(node)}/products/${sku}/reserve`, {
      method: 'POST',
      body,
    });
  }

  release(node: string, sku: string, body: unknown): Promise<HttpResult<Release>> {
    return httpJson<Release>(`${this.url(node)}/products/${sku}/release`, {
      method: 'POST',
      body,
    });
  }

  setOffset(
    node: string,
    offsetMs: unknown,
    token = this.topology.adminToken,
  ): Promise<HttpResult> {
    return httpJson(`${this.url(node)}/internal/clock`, {
      method: 'PUT',
      body: { offsetMs },
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    });
  }
}

const product = (name: string, stock = 10) => ({ name, priceCents: 500, stock });

describe('catalog (AP) with wall-clock ordering', { timeout: 600_000 }, () => {
  const c = new CatalogTopology('wall');

  it('serves a stale read from a cut-off replica, a fresh strong read, and converges after heal', async () => {
    const sku = 'stale-1';
    const first = await c.put('catalog-a', sku, product('v1'));
    assert.equal(first.status, 200, JSON.stringify(first.body));
    await eventually(async () =>
      assert.equal((await c.get('catalog-a', sku)).body.version, first.body.version),
    );

    await c.toxiproxy.blackhole('redis-1->redis-primary');
    try {
      const second = await c.put('catalog-a', sku, product('v2'));
      assert.equal(second.status, 200);
      assert.ok(second.body.version > first.body.version);

      const eventual = await c.get('catalog-a', sku);
      assert.equal(eventual.headers.get('x-served-by'), 'redis-1');
      assert.equal(
        eventual.body.version,
        first.body.version,
        'the cut-off replica serves the old version',
      );
      assert.equal(eventual.body.name, 'v1');

      const strong = await c.get('catalog-a', sku, 'strong');
      assert.equal(strong.headers.get('x-served-by'), 'redis-primary');
      assert.equal(strong.body.version, second.body.version);

      // catalog-b reads its own replica, which still replicates.
      await eventually(async () => assert.equal((await c.get('catalog-b', sku)).body.name, 'v2'));
    } finally {
      await c.toxiproxy.healAll();
    }
    const healed = Date.now();
    await eventually(
      async () => assert.equal((await c.get('catalog-a', sku)).body.name, 'v2'),
      2_000,
    );
    console.log(`# catalog-a's replica converged ${Date.now() - healed} ms after heal`);
  });

  it('loses a causally later write to a clock running 30 s ahead (lost update)', async () => {
    const sku = 'skew-wall';
    assert.equal((await c.setOffset('catalog-a', 30_000)).status, 200);
    try {
      const ahead = await c.put('catalog-a', sku, product('from-a'));
      assert.equal(ahead.status, 200);
      const read = await c.get('catalog-b', sku, 'strong');
      assert.equal(read.body.name, 'from-a');
      const later = await c.put('catalog-b', sku, product('from-b'));
      assert.equal(later.status, 409, JSON.stringify(later.body));
      const body = later.body as unknown as Record<string, unknown>;
      assert.equal(body.error, 'lww_rejected');
      assert.ok(
        (body.storedTimestamp as { wallMs: number }).wallMs >
          (body.writeTimestamp as { wallMs: number }).wallMs,
      );
      assert.equal((await c.get('catalog-b', sku, 'strong')).body.name, 'from-a');
    } finally {
      await c.setOffset('catalog-a', 0);
    }
  });

  it('reserves stock atomically: 100 concurrent reservations never go below zero', async () => {
    const sku = 'hot-item';
    assert.equal((await c.put('catalog-a', sku, product('hot', 120))).status, 200);
    const orders = Array.from({ length: 100 }, (_, i) => ({
      orderId: `order-${i}`,
      qty: 1 + (i % 3),
    }));
    const results = await Promise.all(
      orders.map((o, i) =>
        httpJson(`${c.url(i % 2 ? 'catalog-a' : 'catalog-b')}/products/${sku}/reserve`, {
          method: 'POST',
          body: o,
        }),
      ),
    );
    assert.deepEqual(
      [...new Set(results.map((r) => r.status))].filter((s) => s !== 200 && s !== 409),
      [],
    );
    const reserved = orders
      .filter((_, i) => results[i]!.status === 200)
      .reduce((sum, o) => sum + o.qty, 0);
    const final = (await c.get('catalog-a', sku, 'strong')).body.stock;
    assert.ok(final >= 0);
    assert.equal(reserved, 120 - final);
    assert.ok(
      results.some((r) => r.status === 409),
      'demand exceeded stock, so some were refused',
    );

    const repeat = await httpJson<{ replayed: boolean; stock: number }>(
      `${c.url('catalog-a')}/products/${sku}/reserve`,
      {
        method: 'POST',
        body: orders.find((_, i) => results[i]!.status === 200),
      },
    );
    assert.equal(repeat.status, 200);
    assert.equal(repeat.body.replayed, true);
    assert.equal(
      (await c.get('catalog-a', sku, 'strong')).body.stock,
      final,
      'a repeated orderId reserves once',
    );
  });

  describe('release (the saga compensation)', () => {
    it('returns the reserved stock and forgets the reservation', async () => {
      const sku = 'release-1';
      const put = await c.put('catalog-a', sku, product('rel', 10));
      assert.equal(put.status, 200);
      const orderId = randomUUID();
      const reserved = await c.reserve('catalog-a', sku, { qty: 3, orderId });
      assert.equal(reserved.status, 200, JSON.stringify(reserved.body));
      assert.equal(reserved.body.stock, 7);
      const afterReserve = (await c.get('catalog-a', sku, 'strong')).body;

      const released = await c.release('catalog-b', sku, { orderId });
      assert.equal(released.status, 200, JSON.stringify(released.body));
      assert.deepEqual(released.body, { sku, orderId, released: 3, stock: 10, replayed: false });
      const after = (await c.get('catalog-a', sku, 'strong')).body;
      assert.equal(after.stock, 10);
      assert.equal(after.version, afterReserve.version + 1, 'a release bumps the version');
    });

    it('is idempotent per orderId: a second release replays the same qty, stock unchanged', async () => {
      const sku = 'release-2';
      assert.equal((await c.put('catalog-a', sku, product('rel', 10))).status, 200);
      const orderId = randomUUID();
      assert.equal((await c.reserve('catalog-a', sku, { qty: 4, orderId })).status, 200);
      const first = await c.release('catalog-a', sku, { orderId });
      assert.deepEqual(first.body, { sku, orderId, released: 4, stock: 10, replayed: false });
      const version = (await c.get('catalog-a', sku, 'strong')).body.version;

      const again = await Promise.all([
        c.release('catalog-a', sku, { orderId }),
        c.release('catalog-b', sku, { orderId }),
      ]);
      for (const res of again) {
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, { sku, orderId, released: 4, stock: 10, replayed: true });
      }
      const after = (await c.get('catalog-a', sku, 'strong')).body;
      assert.equal(after.stock, 10);
      assert.equal(after.version, version, 'a replayed release changes nothing');

      const late = await c.reserve('catalog-b', sku, { qty: 4, orderId });
      assert.equal(late.status, 409, 'a released order cannot reserve again');
      assert.equal((late.body as unknown as { error: string }).error, 'reservation_released');
    });

    it('releasing an order that never reserved answers 0 and blocks a later reserve', async () => {
      const sku = 'release-3';
      assert.equal((await c.put('catalog-a', sku, product('rel', 10))).status, 200);
      const version = (await c.get('catalog-a', sku, 'strong')).body.version;
      const orderId = randomUUID();
      const released = await c.release('catalog-a', sku, { orderId });
      assert.equal(released.status, 200, JSON.stringify(released.body));
      assert.deepEqual(released.body, { sku, orderId, released: 0, stock: 10, replayed: false });
      assert.equal(
        (await c.get('catalog-a', sku, 'strong')).body.version,
        version,
        'releasing nothing changes nothing',
      );

      const late = await c.reserve('catalog-b', sku, { qty: 2, orderId });
      assert.equal(late.status, 409, JSON.stringify(late.body));
      assert.match(JSON.stringify(late.body), /"error":"reservation_released"/);
      assert.match(JSON.stringify(late.body), new RegExp(orderId));
      assert.equal((await c.get('catalog-a', sku, 'strong')).body.stock, 10);

      const replay = await c.release('catalog-b', sku, { orderId });
      assert.deepEqual(replay.body, { sku, orderId, released: 0, stock: 10, replayed: true });
      // Another order is unaffected.
      assert.equal(
        (await c.reserve('catalog-a', sku, { qty: 2, orderId: randomUUID() })).status,
        200,
      );
    });
  });

  describe('bad input', () => {
    const cases: ExpectedAnswer[] = [
      [
        'negative stock',
        () => c.put('catalog-a', 'x1', { name: 'n', priceCents: 1, stock: -1 }),
        400,
        /stock must not be less than 0/,
      ],
      [
        'price as a string',
        () => c.put('catalog-a', 'x1', { name: 'n', priceCents: '1', stock: 1 }),
        400,
        /priceCents must be an integer number/,
      ],
      [
        'missing name',
        () => c.put('catalog-a', 'x1', { priceCents: 1, stock: 1 }),
        400,
        /name should not be empty/,
      ],
      ['bad sku', () => c.put('catalog-a', 'bad%20sku', product('n')), 400, /sku must be/],
      [
        'unknown product',
        () => c.get('catalog-a', 'no-such-sku', 'strong'),
        404,
        /product no-such-sku does not exist/,
      ],
      [
        'bad Consistency header',
        () =>
          httpJson(`${c.url('catalog-a')}/products/x1`, {
            headers: { Consistency: 'linearizable' },
          }),
        400,
        /Consistency header must be eventual or strong/,
      ],
      [
        'reserve zero',
        () =>
          httpJson(`${c.url('catalog-a')}/products/x1/reserve`, {
            method: 'POST',
            body: { qty: 0, orderId: 'o' },
          }),
        400,
        /qty must not be less than 1/,
      ],
      [
        'reserve unknown product',
        () =>
          httpJson(`${c.url('catalog-a')}/products/nope/reserve`, {
            method: 'POST',
            body: { qty: 1, orderId: 'o' },
          }),
        404,
        /product nope does not exist/,
      ],
      [
        'release unknown product',
        () => c.release('catalog-a', 'nope', { orderId: 'o' }),
        404,
        /product nope does not exist/,
      ],
      [
        'release without orderId',
        () => c.release('catalog-a', 'x1', {}),
        400,
        /orderId should not be empty/,
      ],
      [
        'release with an orderId over 200 characters',
        () => c.release('catalog-a', 'x1', { orderId: 'o'.repeat(201) }),
        400,
        /orderId must be shorter than or equal to 200 characters/,
      ],
      [
        'release with a numeric orderId',
        () => c.release('catalog-a', 'x1', { orderId: 42 }),
        400,
        /orderId must be a string/,
      ],
      [
        'release with a bad sku',
        () => c.release('catalog-a', 'bad%20sku', { orderId: 'o' }),
        400,
        /sku must be/,
      ],
      ['clock without a token', () => c.setOffset('catalog-a', 1_000, ''), 401, /token/i],
      ['clock with a wrong token', () => c.setOffset('catalog-a', 1_000, 'wrong'), 401, /token/i],
      ['clock with a fractional offset', () => c.setOffset('catalog-a', 1.5), 400, /offsetMs/],
      ['clock with an absurd offset', () => c.setOffset('catalog-a', 90_000_000), 400, /offsetMs/],
    ];
    itAnswers(cases);

    it('reserving again under one orderId with another qty is 422', async () => {
      await c.put('catalog-a', 'x2', product('x2', 5));
      const orderId = randomUUID();
      const url = `${c.url('catalog-a')}/products/x2/reserve`;
      assert.equal(
        (await httpJson(url, { method: 'POST', body: { qty: 1, orderId } })).status,
        200,
      );
      const again = await httpJson(url, { method: 'POST', body: { qty: 2, orderId } });
      assert.equal(again.status, 422);
    });
  });

  it('exposes the catalog metrics and the clock offset', async () => {
    const text = await (await fetch(`${c.url('catalog-a')}/metrics`)).text();
    assert.match(
      text,
      /faultline_catalog_reads_total\{[^}]*consistency="eventual"[^}]*served_by="redis-1"[^}]*\} [1-9]/,
    );
    assert.match(
      text,
      /faultline_catalog_reads_total\{[^}]*consistency="strong"[^}]*served_by="redis-primary"[^}]*\} [1-9]/,
    );
    assert.match(text, /faultline_catalog_writes_total\{outcome="ok"\} [1-9]/);
    assert.match(
      await (await fetch(`${c.url('catalog-b')}/metrics`)).text(),
      /faultline_catalog_writes_total\{outcome="lww_rejected"\} [1-9]/,
    );
    assert.match(text, /faultline_clock_offset_seconds\{node="catalog-a"\} 0/);
  });
});

describe('catalog (AP) with hybrid logical clock ordering', { timeout: 600_000 }, () => {
  const c = new CatalogTopology('hlc');

  it('lets the causally later write win despite a clock running 30 s ahead', async () => {
    const sku = 'skew-hlc';
    assert.equal((await c.setOffset('catalog-a', 30_000)).status, 200);
    const ahead = await c.put('catalog-a', sku, product('from-a'));
    assert.equal(ahead.status, 200);
    const read = await c.get('catalog-b', sku, 'strong');
    assert.equal(read.body.name, 'from-a');
    const later = await c.put('catalog-b', sku, product('from-b'));
    assert.equal(later.status, 200, JSON.stringify(later.body));
    assert.ok(
      later.body.timestamp.wallMs >= ahead.body.timestamp.wallMs,
      'the HLC moved past what it read',
    );
    assert.equal((await c.get('catalog-a', sku, 'strong')).body.name, 'from-b');
  });
});
