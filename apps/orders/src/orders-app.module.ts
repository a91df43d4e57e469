import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { ClockModule } from '@faultline/clock';
import { PostgresModule, PostgresReadiness } from '@faultline/postgres';
import { TelemetryModule } from '@faultline/telemetry';
import { OrdersEnvironment } from './config/orders-environment';
import { OrdersConfigModule } from './config/orders-config.module';
import { SagaKafka } from './kafka/kafka';
import { OrdersController } from './orders/orders.controller';
import { OrdersService } from './orders/orders.service';
import { OutboxRelay } from './saga/outbox-relay';
import { SagaConsumer } from './saga/saga-consumer';
import { SagaMetrics } from './saga/saga-metrics';
import { SagaSteps } from './saga/saga-steps';
import { SagaServices } from './saga/service-clients';

const database = PostgresModule.forRoot({
  environment: OrdersEnvironment,
  schema: 'orders',
  applicationName: 'orders',
  migrationsDir: join(__dirname, '..', 'migrations'),
});

@Module({
  imports: [
    OrdersConfigModule,
    database,
    TelemetryModule.forRoot({
      service: 'orders',
      readiness: [PostgresReadiness],
      imports: [database],
    }),
    ClockModule.forRoot({ node: process.env.FAULTLINE_NODE ?? 'orders' }),
  ],
  controllers: [OrdersController],
  providers: [
    OrdersService,
    SagaKafka,
    SagaMetrics,
    SagaSteps,
    SagaServices,
    OutboxRelay,
    SagaConsumer,
  ],
})
export class OrdersAppModule {}
