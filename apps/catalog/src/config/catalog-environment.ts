import { IsIn, IsNotEmpty, IsString, Matches } from 'class-validator';

const REDIS_URL = /^rediss?:\/\/[^\s/]+(:\d+)?\/?\d*$/;

/** The catalog instance's configuration, validated at start-up. */
export class CatalogEnvironment {
  /** This instance's node name (catalog-a, catalog-b): labels and write attribution. */
  @IsString()
  @IsNotEmpty()
  FAULTLINE_NODE!: string;

  /** Writes and strong reads go here (through the instance's link to the primary). */
  @Matches(REDIS_URL, { message: 'REDIS_PRIMARY_URL must be a redis:// URL' })
  REDIS_PRIMARY_URL!: string;

  /** Eventual reads go here (through the instance's link to its own replica). */
  @Matches(REDIS_URL, { message: 'REDIS_REPLICA_URL must be a redis:// URL' })
  REDIS_REPLICA_URL!: string;

  /** Node names reported in X-Served-By. */
  @IsString()
  @IsNotEmpty()
  REDIS_PRIMARY_NODE: string = 'redis-primary';

  @IsString()
  @IsNotEmpty()
  REDIS_REPLICA_NODE: string = 'redis-replica';

  /** Last-writer-wins on wall-clock time, or on hybrid logical clock timestamps. */
  @IsIn(['wall', 'hlc'])
  CATALOG_ORDERING: 'wall' | 'hlc' = 'wall';
}
