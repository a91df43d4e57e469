import { Module } from '@nestjs/common';
import { RingModule } from '../ring/ring.module';
import { CartsController } from './carts.controller';
import { CartsService } from './carts.service';

@Module({ imports: [RingModule], controllers: [CartsController], providers: [CartsService] })
export class CartsModule {}
