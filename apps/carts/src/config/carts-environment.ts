import { IsIn, IsNotEmpty, IsOptional, IsString, Matches } from 'class-validator';
import { CONSISTENCY_LEVELS, type ConsistencyLevel } from '@faultline/contracts';

/** `name=host:port,…`: one address per ring member. */
const MEMBER_ADDRESSES = /^[a-z0-9-]+=[^\s,=]+:\d+(,[a-z0-9-]+=[^\s,=]+:\d+)*$/;

/** `name=address,…`: one address per ring member. */
const ANNOUNCED_ADDRESSES = /^[a-z0-9-]+=[^\s,=:]+(,[a-z0-9-]+=[^\s,=:]+)*$/;

/** The carts instance's configuration, validated at start-up. */
export class CartsEnvironment {
  /** This instance's node name (carts-a, carts-b): the writer of its writes. */
  @IsString()
  @IsNotEmpty()
  FAULTLINE_NODE!: string;

  /** Where this instance reaches each ring member (its links): `cassandra-0=host:port,…`. */
  @Matches(MEMBER_ADDRESSES, {
    message: 'CASSANDRA_MEMBERS must be name=host:port pairs separated by commas',
  })
  CASSANDRA_MEMBERS!: string;

  /**
   * The address each member announces to clients (`cassandra-0=address,…`, its
   * broadcast_rpc_address), when it is not the address in CASSANDRA_MEMBERS: the driver learns
   * members from the ring by these addresses and is sent to CASSANDRA_MEMBERS instead. Unset:
   * no translation.
   */
  @IsOptional()
  @Matches(ANNOUNCED_ADDRESSES, {
    message: 'CASSANDRA_ANNOUNCED_ADDRESSES must be name=address pairs separated by commas',
  })
  CASSANDRA_ANNOUNCED_ADDRESSES?: string;

  /** The consistency level of a request that does not name one. */
  @IsIn(CONSISTENCY_LEVELS)
  CARTS_CONSISTENCY: ConsistencyLevel = 'QUORUM';
}

/** `name=address,…` as a map from member name to address. */
export function memberAddresses(text: string | undefined): Map<string, string> {
  return new Map(
    (text ?? '')
      .split(',')
      .filter(Boolean)
      .map((pair) => pair.split('=') as [string, string]),
  );
}
