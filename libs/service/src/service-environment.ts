import { IsIP, IsInt, Max, Min } from 'class-validator';

/** What every service's process reads: where it listens. */
export class ServiceEnvironment {
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT: number = 8080;

  /** 0.0.0.0 in a pod; the local topology binds 127.0.0.1. */
  @IsIP()
  BIND_ADDRESS: string = '0.0.0.0';
}
