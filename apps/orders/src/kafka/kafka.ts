import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type Admin, Kafka, logLevel } from '@faultline/kafka';
import { OrdersEnvironment } from '../config/orders-environment';
import { SAGA_TOPIC } from '../saga/saga-events';

const SAGA_PARTITIONS = 3;

/** The Kafka client of this service, and the saga topic it creates (auto-creation is off). */
@Injectable()
export class SagaKafka implements OnApplicationShutdown {
  readonly kafka: Kafka;
  private readonly logger = new Logger('Kafka');
  private admin?: Admin;

  constructor(@Inject(OrdersEnvironment) env: OrdersEnvironment) {
    this.kafka = new Kafka({
      clientId: process.env.FAULTLINE_NODE ?? 'orders',
      brokers: env.KAFKA_BROKERS.split(','),
      connectionTimeout: 3_000,
      requestTimeout: 5_000,
      retry: { retries: 2, initialRetryTime: 300, maxRetryTime: 2_000 },
      logLevel: logLevel.NOTHING,
    });
  }

  /** The admin connection (topic creation, consumer lag), opened on first use. */
  async adminClient(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  async ensureSagaTopic(): Promise<void> {
    const admin = await this.adminClient();
    if ((await admin.listTopics()).includes(SAGA_TOPIC)) return;
    await admin.createTopics({
      topics: [{ topic: SAGA_TOPIC, numPartitions: SAGA_PARTITIONS }],
      waitForLeaders: true,
    });
    this.logger.log(`created topic ${SAGA_TOPIC} (${SAGA_PARTITIONS} partitions)`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
  }
}
