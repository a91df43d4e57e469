import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import type { EachMessagePayload } from '@faultline/kafka';
import { eventually } from '@faultline/testing';
import type { MetricsRegistry } from '@faultline/telemetry';
import type { SagaKafka } from '../src/kafka/kafka';
import { SagaConsumer } from '../src/saga/saga-consumer';
import { parseSagaEvent, type SagaEvent } from '../src/saga/saga-events';
import { SagaMetrics } from '../src/saga/saga-metrics';
import type { SagaSteps } from '../src/saga/saga-steps';

type CrashListener = (event: { payload: { error: Error; restart: boolean } }) => void;

/** A kafkajs consumer as the saga consumer uses it: crashes are emitted by the test. */
class FakeConsumer {
  readonly events = { CRASH: 'consumer.crash' };
  eachMessage?: (payload: EachMessagePayload) => Promise<void>;
  disconnected = false;
  private crashListeners: CrashListener[] = [];

  constructor(private readonly onRun: (consumer: FakeConsumer) => void = () => undefined) {}

  on(event: string, listener: CrashListener) {
    assert.equal(event, this.events.CRASH);
    this.crashListeners.push(listener);
  }
  async connect() {}
  async subscribe() {}
  async run({ eachMessage }: { eachMessage: FakeConsumer['eachMessage'] }) {
    this.eachMessage = eachMessage;
    this.onRun(this);
  }
  async disconnect() {
    this.disconnected = true;
  }
  crash(error: Error, restart: boolean) {
    for (const listener of this.crashListeners) listener({ payload: { error, restart } });
  }
}

const coordinatorNotFound = Object.assign(new Error('Failed to find group coordinator'), {
  name: 'KafkaJSGroupCoordinatorNotFound',
});

/** A SagaConsumer on fake Kafka; `consumers` grows with every consumer it makes. */
function sagaConsumer(onRun?: (consumer: FakeConsumer) => void) {
  const consumers: FakeConsumer[] = [];
  const handled: SagaEvent[] = [];
  const kafka = {
    kafka: {
      consumer: () => {
        const consumer = new FakeConsumer(onRun);
        consumers.push(consumer);
        return consumer;
      },
    },
    ensureSagaTopic: async () => undefined,
    adminClient: () => Promise.reject(new Error('no admin in this test')),
  } as unknown as SagaKafka;
  const steps = { handle: async (event: SagaEvent) => void handled.push(event) };
  const metrics = new SagaMetrics({ registry: new Registry() } as MetricsRegistry);
  const saga = new SagaConsumer(kafka, steps as unknown as SagaSteps, metrics);
  return { saga, consumers, handled };
}

const message = (value: string | null, offset = '7'): EachMessagePayload =>
  ({
    topic: 'orders.saga',
    partition: 1,
    message: { value: value === null ? null : Buffer.from(value), offset, headers: {} },
  }) as unknown as EachMessagePayload;

const placed: SagaEvent = {
  eventId: 'e-1',
  orderId: 'o-1',
  type: 'order.placed',
  payload: { items: [] },
};

describe('the saga consumer', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  it('starts a new consumer when kafkajs gives one up after a crash', async () => {
    const { saga, consumers } = sagaConsumer();
    stop = () => saga.onApplicationShutdown();
    saga.onApplicationBootstrap();
    await eventually(
      () => assert.ok(consumers[0]?.eachMessage !== undefined, 'the first consumer to run'),
      5_000,
    );
    consumers[0]!.crash(coordinatorNotFound, false);
    await eventually(
      () => assert.ok(consumers[1]?.eachMessage !== undefined, 'a second consumer to run'),
      5_000,
    );
    assert.equal(consumers.length, 2);
  });

  it('starts a new consumer when the crash comes while run() is joining the group', async () => {
    // kafkajs's run() resolves even when its join crashed without a restart.
    const { saga, consumers } = sagaConsumer((consumer) => {
      if (consumers.length === 1) consumer.crash(coordinatorNotFound, false);
    });
    stop = () => saga.onApplicationShutdown();
    saga.onApplicationBootstrap();
    await eventually(() => assert.ok(consumers.length === 2, 'a second consumer'), 5_000);
    await eventually(
      () => assert.ok(consumers[1]!.eachMessage !== undefined, 'the second consumer to run'),
      5_000,
    );
  });

  it('leaves a crash that kafkajs restarts to kafkajs', async () => {
    const { saga, consumers } = sagaConsumer();
    stop = () => saga.onApplicationShutdown();
    saga.onApplicationBootstrap();
    await eventually(
      () => assert.ok(consumers[0]?.eachMessage !== undefined, 'the first consumer to run'),
      5_000,
    );
    consumers[0]!.crash(new Error('The coordinator is loading'), true);
    await sleep(1_500);
    assert.equal(consumers.length, 1);
  });

  it('makes no consumer after shutdown, and disconnects the running one', async () => {
    const { saga, consumers } = sagaConsumer();
    saga.onApplicationBootstrap();
    await eventually(
      () => assert.ok(consumers[0]?.eachMessage !== undefined, 'the first consumer to run'),
      5_000,
    );
    await saga.onApplicationShutdown();
    assert.ok(consumers[0]!.disconnected);
    consumers[0]!.crash(coordinatorNotFound, false);
    await sleep(1_500);
    assert.equal(consumers.length, 1);
  });

  it('runs the step of a saga event and skips a malformed message instead of retrying it', async () => {
    const { saga, consumers, handled } = sagaConsumer();
    stop = () => saga.onApplicationShutdown();
    saga.onApplicationBootstrap();
    await eventually(
      () => assert.ok(consumers[0]?.eachMessage !== undefined, 'the first consumer to run'),
      5_000,
    );
    const consume = consumers[0]!.eachMessage!;
    await consume(message('not json'));
    await consume(message(null));
    await consume(message(JSON.stringify({ ...placed, type: 'order.shipped' })));
    assert.deepEqual(handled, []);
    await consume(message(JSON.stringify(placed)));
    assert.deepEqual(handled, [placed]);
  });
});

describe('parseSagaEvent', () => {
  it('reads a saga event', () => {
    assert.deepEqual(parseSagaEvent(Buffer.from(JSON.stringify(placed))), placed);
  });

  it('refuses what is not one: not JSON, null, a field missing, an unknown type', () => {
    for (const value of [
      'not json',
      'null',
      '42',
      JSON.stringify({ ...placed, eventId: undefined }),
      JSON.stringify({ ...placed, orderId: 7 }),
      JSON.stringify({ ...placed, payload: null }),
      JSON.stringify({ ...placed, type: 'order.shipped' }),
    ])
      assert.equal(parseSagaEvent(Buffer.from(value)), undefined, value);
    assert.equal(parseSagaEvent(null), undefined);
  });
});
