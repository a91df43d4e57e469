import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Consumer, EachMessagePayload } from '@faultline/kafka';
import { setTimeout as sleep } from 'node:timers/promises';
import { SagaKafka } from '../kafka/kafka';
import { parseSagaEvent, SAGA_GROUP, SAGA_TOPIC } from './saga-events';
import { SagaMetrics } from './saga-metrics';
import { SagaSteps } from './saga-steps';

const LAG_POLL_MS = 2_000;
const RESTART_AFTER_MS = 1_000;
const tracer = trace.getTracer('faultline-orders');

/**
 * Consumes the saga topic and runs each event's step. A step that fails (a service
 * unavailable) throws, so the message is retried; redelivery never repeats an effect.
 */
@Injectable()
export class SagaConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SagaConsumer');
  private consumer?: Consumer;
  private lagTimer?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    private readonly kafka: SagaKafka,
    private readonly steps: SagaSteps,
    private readonly metrics: SagaMetrics,
  ) {}

  onApplicationBootstrap(): void {
    void this.start();
    this.lagTimer = setInterval(() => void this.measureLag(), LAG_POLL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.lagTimer);
    await this.consumer?.disconnect().catch(() => undefined);
  }

  /**
   * Keeps a consumer running: tries until Kafka answers (the service serves orders into the
   * outbox meanwhile), and starts a new consumer whenever kafkajs gives one up.
   */
  private async start(): Promise<void> {
    while (!this.stopping) {
      try {
        const { stopped } = await this.startConsumer();
        const error = await stopped;
        if (this.stopping) return;
        this.logger.warn(
          `saga consumer stopped (${error.name}: ${error.message}); starting a new one`,
        );
      } catch (err) {
        this.logger.warn(`saga consumer not started yet: ${(err as Error).message}`);
        await this.consumer?.disconnect().catch(() => undefined);
      }
      await sleep(RESTART_AFTER_MS);
    }
  }

  /**
   * kafkajs restarts a crashed consumer only when it deems the error retriable. Otherwise the
   * consumer stays stopped, and `run()` may even have resolved: a join that finds no group
   * coordinator within its retries (a broker that answers nothing for a few seconds) ends so.
   * `stopped` settles with that error.
   */
  private async startConsumer(): Promise<{ stopped: Promise<Error> }> {
    await this.kafka.ensureSagaTopic();
    const consumer = this.kafka.kafka.consumer({
      groupId: SAGA_GROUP,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
    });
    const stopped = new Promise<Error>((resolve) => {
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (payload.restart)
          this.logger.warn(`saga consumer crashed, kafkajs restarts it: ${payload.error.message}`);
        else resolve(payload.error);
      });
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: SAGA_TOPIC, fromBeginning: true });
    await consumer.run({ eachMessage: (payload) => this.consume(payload) });
    this.logger.log(`consuming ${SAGA_TOPIC} as ${SAGA_GROUP}`);
    return { stopped };
  }

  private async consume({ message, partition }: EachMessagePayload): Promise<void> {
    const event = parseSagaEvent(message.value);
    if (!event) {
      // Not one of ours: retrying it would block its partition for good, so it is skipped.
      this.logger.warn(
        `skipped a malformed message at ${SAGA_TOPIC}[${partition}]@${message.offset}`,
      );
      return;
    }
    const headers = Object.fromEntries(
      Object.entries(message.headers ?? {}).map(([k, v]) => [k, v?.toString() ?? '']),
    );
    // The step runs in the order's trace: its calls to catalog and payments join it.
    const parent = propagation.extract(ROOT_CONTEXT, headers);
    await tracer.startActiveSpan(
      `${SAGA_TOPIC} process ${event.type}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.destination.name': SAGA_TOPIC,
          'messaging.destination.partition.id': String(partition),
        },
      },
      parent,
      async (span) => {
        try {
          await this.steps.handle(event);
        } catch (err) {
          span.recordException(err as Error);
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw err;
        } finally {
          span.end();
        }
      },
    );
  }

  private async measureLag(): Promise<void> {
    try {
      const admin = await this.kafka.adminClient();
      const [ends, committed] = await Promise.all([
        admin.fetchTopicOffsets(SAGA_TOPIC),
        admin.fetchOffsets({ groupId: SAGA_GROUP, topics: [SAGA_TOPIC] }),
      ]);
      const done = new Map(
        committed[0]?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? [],
      );
      for (const end of ends) {
        const consumed = Math.max(0, done.get(end.partition) ?? 0);
        this.metrics.consumerLag.set(
          { group: SAGA_GROUP, topic: SAGA_TOPIC, partition: String(end.partition) },
          Math.max(0, Number(end.high) - consumed),
        );
      }
    } catch {
      // Kafka out of reach: the last values stay until it answers again.
    }
  }
}
