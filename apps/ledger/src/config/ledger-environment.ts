import { IsInt, IsNotEmpty, IsString, Matches, Max, Min } from 'class-validator';
import { PostgresVariables } from '@faultline/postgres';
import { ETCD_MEMBERS_FORMAT, ETCD_MEMBERS_MESSAGE } from '@faultline/contracts';

/**
 * The ledger instance's configuration, validated at start-up. PostgreSQL (the storage) is
 * reached with libpq's own variables, which `pg` reads itself.
 */
export class LedgerEnvironment extends PostgresVariables {
  /** This instance's node name (ledger-a, ledger-b): the writer of its entries. */
  @IsString()
  @IsNotEmpty()
  FAULTLINE_NODE!: string;

  /** The Redis instance Redlock locks on: the primary, through this instance's link. */
  @Matches(/^redis:\/\/[^\s/]+:\d+$/, { message: 'REDIS_URL must be redis://host:port' })
  REDIS_URL!: string;

  /**
   * Every etcd member by name, each through this instance's own link:
   * `etcd-0=http://host:port,…`. The locks use them all; a register request names one.
   */
  @Matches(ETCD_MEMBERS_FORMAT, { message: ETCD_MEMBERS_MESSAGE })
  ETCD_MEMBERS!: string;

  /**
   * A lock's lease: Redlock's key expires, an etcd lease ends, this long after the last renewal
   * (etcd renews every third of it; Redlock does not). Whole seconds, as etcd grants leases.
   */
  @IsInt()
  @Min(2)
  @Max(60)
  LEDGER_LEASE_SECONDS: number = 2;

  /**
   * How long an append waits for a lock another writer holds before it answers 503: less than
   * the workload's 5 s client timeout, so a wait that comes to nothing is a certain failure, not
   * an indeterminate one.
   */
  @IsInt()
  @Min(100)
  @Max(60_000)
  LEDGER_ACQUIRE_TIMEOUT_MS: number = 4_000;
}
