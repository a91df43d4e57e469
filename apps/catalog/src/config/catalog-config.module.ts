import { Global, Module } from '@nestjs/common';
import { validateEnvironment } from '@faultline/service';
import { CatalogEnvironment } from './catalog-environment';

/** Provides the validated CatalogEnvironment; an invalid one stops the app at start. */
@Global()
@Module({
  providers: [
    {
      provide: CatalogEnvironment,
      useFactory: () => validateEnvironment(CatalogEnvironment, process.env),
    },
  ],
  exports: [CatalogEnvironment],
})
export class CatalogConfigModule {}
