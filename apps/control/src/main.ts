import { runService } from '@faultline/service';
import { ControlAppModule } from './control-app.module';
import { DRILL_KINDS } from '@faultline/contracts';

void runService(ControlAppModule, {
  title: 'faultline control',
  description:
    `Failure drills (${DRILL_KINDS.join(', ')}) on the topology, each healed at its TTL; ` +
    'bearer token FAULTLINE_ADMIN_TOKEN on everything but /health, /ready and /metrics.',
});
