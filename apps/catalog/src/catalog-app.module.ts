import { Module } from '@nestjs/common';
import { ClockModule } from '@faultline/clock';
import { TelemetryModule } from '@faultline/telemetry';
import { CatalogConfigModule } from './config/catalog-config.module';
import { ProductsModule } from './products/products.module';
import { RedisModule } from './redis/redis.module';
import { RedisReadiness } from './redis/redis-readiness';

@Module({
  imports: [
    CatalogConfigModule,
    TelemetryModule.forRoot({
      service: 'catalog',
      readiness: [RedisReadiness],
      imports: [RedisModule],
    }),
    ClockModule.forRoot({ node: process.env.FAULTLINE_NODE ?? 'catalog' }),
    ProductsModule,
  ],
})
export class CatalogAppModule {}
