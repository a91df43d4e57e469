import { runService } from '@faultline/service';
import { ControlAppModule } from './control-app.module';

void runService(ControlAppModule, {
  title: 'faultline control',
  description:
    'Failure drills (partition, latency, kill, replication-delay, clock-skew) on the topology, each healed at its TTL; ' +
    'bearer token FAULTLINE_ADMIN_TOKEN on everything but /health, /ready and /metrics.',
});
