import { runService } from '@faultline/service';
import { PaymentsAppModule } from './payments-app.module';

void runService(PaymentsAppModule, {
  title: 'faultline payments',
  description:
    'The CP service: accounts, transfers and payments on PostgreSQL with a synchronous standby. ' +
    'A commit no standby confirms in time answers 503 with outcome "indeterminate": retry with the same Idempotency-Key.',
});
