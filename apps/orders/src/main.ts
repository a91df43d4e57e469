import { runService } from '@faultline/service';
import { OrdersAppModule } from './orders-app.module';

void runService(OrdersAppModule, {
  title: 'faultline orders',
  description:
    'Checkout as a saga over Kafka: reserve stock → charge → confirm, compensations on refusal; ' +
    'an outbox makes every state change and its event one transaction.',
});
