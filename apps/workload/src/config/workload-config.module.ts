import { Global, Module } from '@nestjs/common';
import { validateEnvironment } from '@faultline/service';
import { WorkloadEnvironment } from './workload-environment';

@Global()
@Module({
  providers: [
    {
      provide: WorkloadEnvironment,
      useFactory: () => validateEnvironment(WorkloadEnvironment, process.env),
    },
  ],
  exports: [WorkloadEnvironment],
})
export class WorkloadConfigModule {}
