import { Module } from '@nestjs/common';
import { WriteTimestamps } from '../ordering/write-timestamps';
import { RedisModule } from '../redis/redis.module';
import { CatalogMetrics } from './catalog-metrics';
import { ProductsController } from './products.controller';
import { ProductsService } from './products.service';

@Module({
  imports: [RedisModule],
  controllers: [ProductsController],
  providers: [ProductsService, CatalogMetrics, WriteTimestamps],
})
export class ProductsModule {}
