import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import type { Consumer } from '@faultline/kafka';
import type { MetricsRegistry } from '@faultline/telemetry';
import { eventually } from '@faultline/testing';
import {
  allocatePorts,
  dedicatedListenerPort,
  type LaunchContext,
  launchKafka,
  LINKS,
  linkName,
  NODES,
  resolveToolchain,
  type RunningNode,
  signalServer,
  terminate,
} from '@faultline/topology';
import type { OrdersEnvironment } from '../src/config/orders-environment';
import { SagaKafka } from '../src/kafka/kafka';
import { SagaConsumer } from '../src/saga/saga-consumer';
import { SAGA_TOPIC, type SagaEvent } from '../src/saga/saga-events';
import { SagaMetrics } from '../src/saga/saga-metrics';
import type { SagaSteps } from '../src/saga/saga-steps';

/**
 * Longer than kafkajs's group coordinator lookup takes to give up with the orders client's
 * retries (about 5 s here): a shorter stall lets the join finish late instead.
 */
const STALL_MS = 10_000;

describe('the saga consumer against a real Kafka broker', { timeout: 300_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'faultline-saga-consumer-'));
  const pids: number[] = [];
  let broker: RunningNode;

  before(async () => {
    const kafkaLinks = LINKS.filter((l) => l.server === 'kafka-0' && l.dedicatedListener);
    const names = [
      'kafka-0',
      'kafka-0:controller',
      ...kafkaLinks.flatMap((l) => [dedicatedListenerPort(l), linkName(l)]),
    ];
    const ports = new Map((await allocatePorts(names.length)).map((port, i) => [names[i]!, port]));
    const portOf = (name: string) => ports.get(name)!;
    const ctx: LaunchContext = {
      rootDir: root,
      toolchain: resolveToolchain(),
      adminToken: randomUUID(),
      redisMinReplicasToWrite: 0,
      portOf,
      // The links' proxies are not started: this test talks to the broker's own listener.
      linkPort: (client, server) => portOf(`${client}->${server}`),
      onSpawn: (pid) => void pids.push(pid),
    };
    const spec = NODES.find((n) => n.name === 'kafka-0')!;
    broker = await launchKafka(ctx, spec, portOf('kafka-0:controller'));
  });

  after(async () => {
    await Promise.all(pids.map((pid) => terminate(pid)));
    rmSync(root, { recursive: true, force: true });
  });

  it('a broker that stalls while the consumer joins its group: kafkajs gives the consumer up, a new one is started and consumes', async () => {
    const kafka = new SagaKafka({
      KAFKA_BROKERS: `${broker.host}:${broker.port}`,
    } as OrdersEnvironment);
    const consumers: Consumer[] = [];
    const crashes: { name: string; restart: boolean }[] = [];
    const makeConsumer = kafka.kafka.consumer.bind(kafka.kafka);
    kafka.kafka.consumer = (config) => {
      const consumer = makeConsumer(config);
      consumer.on(consumer.events.CRASH, ({ payload }) =>
        crashes.push({ name: payload.error.name, restart: payload.restart }),
      );
      if (consumers.length === 0) {
        // The first consumer's join meets a broker that answers nothing (a long GC pause, a
        // starved pod), as a freshly installed cluster's Kafka can be.
        const run = consumer.run.bind(consumer);
        consumer.run = (runConfig) => {
          signalServer(broker.pid, 'SIGSTOP');
          setTimeout(() => signalServer(broker.pid, 'SIGCONT'), STALL_MS);
          return run(runConfig);
        };
      }
      consumers.push(consumer);
      return consumer;
    };
    const handled: SagaEvent[] = [];
    const steps = { handle: async (event: SagaEvent) => void handled.push(event) };
    const metrics = new SagaMetrics({ registry: new Registry() } as MetricsRegistry);
    const saga = new SagaConsumer(kafka, steps as unknown as SagaSteps, metrics);
    const placed: SagaEvent = {
      eventId: randomUUID(),
      orderId: 'order-1',
      type: 'order.placed',
      payload: {},
    };
    try {
      saga.onApplicationBootstrap();
      await eventually(() => assert.ok(consumers.length >= 1, 'a consumer was made'), 60_000);
      // Sent once the broker answers again (a new producer each try: one whose connect failed
      // stays broken); the group reads it from the beginning.
      await eventually(async () => {
        const producer = kafka.kafka.producer();
        try {
          await producer.connect();
          await producer.send({
            topic: SAGA_TOPIC,
            messages: [{ key: placed.orderId, value: JSON.stringify(placed) }],
          });
        } finally {
          await producer.disconnect().catch(() => undefined);
        }
      }, 60_000);
      await eventually(() => assert.deepEqual(handled, [placed], 'the event was consumed'), 90_000);
      assert.deepEqual(
        crashes[0],
        { name: 'KafkaJSGroupCoordinatorNotFound', restart: false },
        'kafkajs gave the first consumer up',
      );
      assert.ok(consumers.length >= 2, 'a new consumer was started');
    } finally {
      await saga.onApplicationShutdown();
      await kafka.onApplicationShutdown();
    }
  });
});
