import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  Client,
  type ClientOptions,
  errors,
  policies,
  type QueryOptions,
  type types,
} from 'cassandra-driver';
import { CASSANDRA_DATACENTER } from '@faultline/topology';
import { RingAddresses } from './ring-addresses';

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
 * How long a starting instance waits for the whole ring: in Kubernetes the members start one
 * after another beside it (the chart's startup probe allows the carts 6 min).
 */
const RING_WAIT_MS = 300_000;

/**
 * The CQL session of this instance: one driver client over the whole ring, balancing each
 * request to a replica of its partition (token-aware), retrying Unavailable once on another
 * member (the driver's default policy). Requests are idempotent: every write carries its own
 * timestamp, so a retry writes the same cell again.
 */
@Injectable()
export class RingSession implements OnApplicationShutdown {
  private readonly logger = new Logger(RingSession.name);
  private connected?: Client;
  private connecting?: Promise<void>;
  /** Member name by the address the driver knows it at (its link). */
  private readonly memberAt = new Map<string, string>();
  private readonly addressOf: Map<string, string>;
  private readonly options: ClientOptions;

  constructor(ring: RingAddresses) {
    this.addressOf = new Map(ring.links);
    for (const [member, address] of this.addressOf) this.memberAt.set(address, member);
    const links = new Map(
      [...ring.announced].flatMap(([member, address]) => {
        const link = this.addressOf.get(member);
        return link ? [[address, link] as const] : [];
      }),
    );
    this.options = {
      contactPoints: [...this.addressOf.values()],
      localDataCenter: CASSANDRA_DATACENTER,
      policies: {
        addressResolution: new LinkAddresses(links),
        reconnection: new policies.reconnection.ConstantReconnectionPolicy(1_000),
      },
      queryOptions: { prepare: true, isIdempotent: true },
      // Above Cassandra's own read timeout (5 s), so its answer (a read timeout) comes first.
      socketOptions: { connectTimeout: 2_000, readTimeout: 6_000 },
    };
  }

  get client(): Client {
    if (!this.connected) throw new Error('the ring session is not connected yet');
    return this.connected;
  }

  /**
   * Connects once the ring has every member with its tokens (a down one counts: the ring knows
   * it). A client that connected to a partial ring keeps routing every request to the members
   * it first saw, as its token map keeps them as every partition's replicas: in Kubernetes the
   * carts start beside the ring, so until it is whole each attempt is closed and retried.
   */
  connect(): Promise<void> {
    this.connecting ??= this.connectWhole();
    return this.connecting;
  }

  private async connectWhole(): Promise<void> {
    const deadline = Date.now() + RING_WAIT_MS;
    let logged = '';
    for (;;) {
      const client = new Client(this.options);
      let waitingFor: string;
      try {
        await client.connect();
        // A member joins the driver's token map only once the ring lists its tokens.
        const joined = client.hosts.values().filter((host) => host.tokens?.length).length;
        if (joined >= this.addressOf.size) {
          this.connected = client;
          return;
        }
        waitingFor = `${joined} of ${this.addressOf.size} members in the ring`;
      } catch (error) {
        if (!(error instanceof errors.NoHostAvailableError)) throw error;
        waitingFor = 'no member answers';
      }
      await client.shutdown();
      if (Date.now() > deadline) throw new Error(`the ring is not whole: ${waitingFor}`);
      if (waitingFor !== logged) this.logger.log(`waiting for the ring: ${(logged = waitingFor)}`);
      await sleep(2_000);
    }
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
    await this.connected?.shutdown();
  }
}
