import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { ETCD_MEMBERS_FORMAT, ETCD_MEMBERS_MESSAGE } from '@faultline/contracts';
import { SERVICE_URL } from '@faultline/service';

/** The workload's configuration, validated at start-up: the services it drives and where reports go. */
export class WorkloadEnvironment {
  @IsUrl(SERVICE_URL) PAYMENTS_URL!: string;
  @IsUrl(SERVICE_URL) CATALOG_A_URL!: string;
  @IsUrl(SERVICE_URL) CATALOG_B_URL!: string;
  /** The orders service (its sagas reserve on the catalog and charge payments). */
  @IsUrl(SERVICE_URL) ORDERS_URL!: string;
  /** The quorum lab's carts instances, when the topology runs the lab. */
  @IsOptional() @IsUrl(SERVICE_URL) CARTS_A_URL?: string;
  @IsOptional() @IsUrl(SERVICE_URL) CARTS_B_URL?: string;
  /** The consensus lab's ledger instances, when the topology runs the lab. */
  @IsOptional() @IsUrl(SERVICE_URL) LEDGER_A_URL?: string;
  @IsOptional() @IsUrl(SERVICE_URL) LEDGER_B_URL?: string;
  /** The consensus lab's etcd members, reached directly: `etcd-0=http://host:port,…`. */
  @IsOptional()
  @Matches(ETCD_MEMBERS_FORMAT, { message: ETCD_MEMBERS_MESSAGE })
  ETCD_MEMBERS?: string;
  /** Scenarios trigger and heal their drills through the control API. */
  @IsUrl(SERVICE_URL) CONTROL_URL!: string;

  @IsString()
  @IsNotEmpty()
  FAULTLINE_ADMIN_TOKEN!: string;

  /** Where histories and reports are written (control serves them from there). */
  @IsString()
  @IsNotEmpty()
  FAULTLINE_REPORTS_DIR!: string;

  /** Operations per second of each background client; 0: no background load. */
  @IsInt()
  @Min(0)
  @Max(50)
  WORKLOAD_BACKGROUND_RATE: number = 0;

  /** Operations per second of each client during a scenario run. */
  @IsInt()
  @Min(1)
  @Max(50)
  WORKLOAD_SCENARIO_RATE: number = 5;

  /** The topology's settings, recorded in each report (the catalog's write ordering). */
  @IsIn(['wall', 'hlc'])
  CATALOG_ORDERING: 'wall' | 'hlc' = 'wall';

  /** Replicas the Redis primary needs to take a write, as the topology was started. */
  @IsInt()
  @Min(0)
  @Max(2)
  REDIS_MIN_REPLICAS_TO_WRITE: number = 0;
}
