import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Client, policies, type QueryOptions, type types } from 'cassandra-driver';
import { CASSANDRA_DATACENTER } from '@faultline/topology';
import { CartsEnvironment, memberAddresses } from '../config/carts-environment';

/**
 * The driver's AddressTranslator: an interface in its types, a class its options check
 * with instanceof at run time.
 */
const AddressTranslator = (
  policies.addressResolution as unknown as Record<'AddressTranslator', unknown>
).AddressTranslator as new () => {
  translate(address: string, port: number, callback: (endpoint: string) => void): void;
};

/**
 * Sends the driver to each member through this instance's link to it: the ring announces its
 * members by addresses of their own (the driver assumes its own port for each), which would
 * bypass the links and the drills on them.
 */
class LinkAddresses extends AddressTranslator {
  constructor(private readonly links: ReadonlyMap<string, string>) {
    super();
  }

  override translate(address: string, port: number, callback: (endpoint: string) => void): void {
    callback(this.links.get(address) ?? `${address}:${port}`);
  }
}

/**
 * The CQL session of this instance: one driver client over the whole ring, balancing each
 * request to a replica of its partition (token-aware), retrying Unavailable once on another
 * member (the driver's default policy). Requests are idempotent: every write carries its own
 * timestamp, so a retry writes the same cell again.
 */
@Injectable()
export class RingSession implements OnApplicationShutdown {
  readonly client: Client;
  /** Member name by the address the driver knows it at (its link). */
  private readonly memberAt = new Map<string, string>();
  private readonly addressOf: Map<string, string>;

  constructor(env: CartsEnvironment) {
    this.addressOf = memberAddresses(env.CASSANDRA_MEMBERS);
    for (const [member, address] of this.addressOf) this.memberAt.set(address, member);
    const announced = memberAddresses(env.CASSANDRA_ANNOUNCED_ADDRESSES);
    const links = new Map(
      [...announced].flatMap(([member, address]) => {
        const link = this.addressOf.get(member);
        return link ? [[address, link] as const] : [];
      }),
    );
    this.client = new Client({
      contactPoints: [...this.addressOf.values()],
      localDataCenter: CASSANDRA_DATACENTER,
      policies: {
        addressResolution: new LinkAddresses(links),
        reconnection: new policies.reconnection.ConstantReconnectionPolicy(1_000),
      },
      queryOptions: { prepare: true, isIdempotent: true },
      // Above Cassandra's own read timeout (5 s), so its answer (a read timeout) comes first.
      socketOptions: { connectTimeout: 2_000, readTimeout: 6_000 },
    });
  }

  /** The ring's members by name. */
  get members(): string[] {
    return [...this.addressOf.keys()];
  }

  /** The member that coordinated a request, by the host the driver sent it to. */
  coordinatorOf(info: { queriedHost?: unknown }): string {
    const host = String(info.queriedHost ?? '');
    return this.memberAt.get(host) ?? host;
  }

  /** Options that send a request to one member, which coordinates it; undefined if unknown. */
  pinnedTo(member: string): QueryOptions | undefined {
    const address = this.addressOf.get(member);
    const host = address === undefined ? undefined : this.client.hosts.get(address);
    return host ? { host } : undefined;
  }

  execute(query: string, params: unknown[], options: QueryOptions): Promise<types.ResultSet> {
    return this.client.execute(query, params, options);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.shutdown();
  }
}
