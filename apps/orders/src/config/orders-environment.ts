import { IsUrl, Matches } from 'class-validator';
import { PostgresVariables } from '@faultline/postgres';
import { SERVICE_URL } from '@faultline/service';

/** The orders service's configuration, validated at start-up (PostgreSQL through libpq's variables). */
export class OrdersEnvironment extends PostgresVariables {
  /** Comma-separated host:port list; locally, the link orders-0->kafka-0. */
  @Matches(/^[^\s,:]+:\d+(,[^\s,:]+:\d+)*$/, {
    message: 'KAFKA_BROKERS must be host:port[,host:port…]',
  })
  KAFKA_BROKERS!: string;

  @IsUrl(SERVICE_URL) CATALOG_URL!: string;
  @IsUrl(SERVICE_URL) PAYMENTS_URL!: string;
}
