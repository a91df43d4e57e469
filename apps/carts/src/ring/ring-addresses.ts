import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { CartsEnvironment, memberAddresses } from '../config/carts-environment';

/**
 * The ring as this instance reaches it, with host names resolved once at start: in Kubernetes
 * the links are the Toxiproxy Service's name and the members announce the cluster IPs of their
 * ring Services, named in the chart by Service name. The driver keys its hosts by `ip:port`.
 */
export class RingAddresses {
  constructor(
    /** Member name to the `ip:port` of this instance's link to it. */
    readonly links: ReadonlyMap<string, string>,
    /** Member name to the address it announces (broadcast_rpc_address). */
    readonly announced: ReadonlyMap<string, string>,
  ) {}

  static async resolve(env: CartsEnvironment): Promise<RingAddresses> {
    const ip = async (host: string) => (isIP(host) ? host : (await lookup(host, 4)).address);
    const resolved = async (pairs: Map<string, string>, withPort: boolean) =>
      new Map(
        await Promise.all(
          [...pairs].map(async ([member, address]) => {
            if (!withPort) return [member, await ip(address)] as const;
            const at = address.lastIndexOf(':');
            return [member, `${await ip(address.slice(0, at))}${address.slice(at)}`] as const;
          }),
        ),
      );
    return new RingAddresses(
      await resolved(memberAddresses(env.CASSANDRA_MEMBERS), true),
      await resolved(memberAddresses(env.CASSANDRA_ANNOUNCED_ADDRESSES), false),
    );
  }
}
