import { Global, Module } from '@nestjs/common';
import { validateEnvironment } from '@faultline/service';
import { OrdersEnvironment } from './orders-environment';

@Global()
@Module({
  providers: [
    {
      provide: OrdersEnvironment,
      useFactory: () => validateEnvironment(OrdersEnvironment, process.env),
    },
  ],
  exports: [OrdersEnvironment],
})
export class OrdersConfigModule {}
