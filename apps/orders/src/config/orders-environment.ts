import { IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { SERVICE_URL } from '@faultline/service';

/** The orders service's configuration, validated at start-up (PostgreSQL through libpq's variables). */
export class OrdersEnvironment {
  @IsString() @IsNotEmpty() PGHOST!: string;
  @IsInt() @Min(1) @Max(65535) PGPORT: number = 5432;
  @IsString() @IsNotEmpty() PGUSER!: string;
  @IsString() @IsOptional() PGPASSWORD?: string;
  @IsString() @IsNotEmpty() PGDATABASE!: string;

  /** Comma-separated host:port list; locally, the link orders-0->kafka-0. */
  @Matches(/^[^\s,:]+:\d+(,[^\s,:]+:\d+)*$/, {
    message: 'KAFKA_BROKERS must be host:port[,host:port…]',
  })
  KAFKA_BROKERS!: string;

  @IsUrl(SERVICE_URL) CATALOG_URL!: string;
  @IsUrl(SERVICE_URL) PAYMENTS_URL!: string;
}
