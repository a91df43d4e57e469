import { runService } from '@faultline/service';
import { WorkloadAppModule } from './workload-app.module';

void runService(WorkloadAppModule, {
  title: 'faultline workload',
  description:
    'Runs clients against payments and the catalog, records the history, drives scenarios and checks them.',
});
