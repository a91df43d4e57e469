import { IsIP, IsInt, IsNotEmpty, IsOptional, IsString, Max, Min } from 'class-validator';

/**
 * What every service's process reads, whatever the app: where it listens, which node of
 * the topology it is, and the admin token of its /internal endpoints.
 */
export class ServiceEnvironment {
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT: number = 8080;

  /** 0.0.0.0 in a pod; the local topology binds 127.0.0.1. */
  @IsIP()
  BIND_ADDRESS: string = '0.0.0.0';

  /** The node this process is (payments-0, catalog-a, …): clocks, Kafka client id, labels. */
  @IsString()
  @IsNotEmpty()
  FAULTLINE_NODE!: string;

  /** Bearer token of /internal endpoints; without it they answer 401 (admin disabled). */
  @IsOptional()
  @IsString()
  FAULTLINE_ADMIN_TOKEN?: string;
}
