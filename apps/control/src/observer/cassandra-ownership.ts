import type { Sample } from './samples';

/** The Murmur3 partitioner's ring: tokens -2^63 .. 2^63-1, 2^64 of them. */
const RING_SIZE = 1n << 64n;
const MIN_TOKEN = -(1n << 63n);
const MAX_TOKEN = (1n << 63n) - 1n;

/** A member's tokens, as its system.local lists them. */
export interface MemberTokens {
  member: string;
  tokens: readonly bigint[];
}

/** A token as Cassandra lists it (decimal text), refused unless it is a Murmur3 token. */
export function parseToken(text: string): bigint {
  // BigInt alone would also take '', ' 1 ' and '0x1'.
  const token = /^-?\d{1,19}$/.test(text) ? BigInt(text) : undefined;
  if (token === undefined || token < MIN_TOKEN || token > MAX_TOKEN) {
    throw new Error(`not a Murmur3 token: ${JSON.stringify(text)}`);
  }
  return token;
}

/**
 * The share (0..1) of the ring each member owns as primary replica, as `nodetool ring` computes
 * it without a keyspace: each token owns (previous token, token], the first token's range
 * wrapping around from the last. A member without tokens owns 0.
 */
export function ringOwnership(members: readonly MemberTokens[]): Map<string, number> {
  const ring = members
    .flatMap(({ member, tokens }) => tokens.map((token) => ({ member, token })))
    .sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
  const owned = new Map(members.map(({ member }) => [member, 0n]));
  ring.forEach(({ member, token }, i) => {
    // at(-1) is the last token: the wrap-around. A lone token is its own previous one and owns
    // the whole ring, not the empty range the subtraction gives.
    const previous = ring.at(i - 1)!.token;
    const range = ring.length === 1 ? RING_SIZE : (token - previous + RING_SIZE) % RING_SIZE;
    owned.set(member, owned.get(member)! + range);
  });
  return new Map([...owned].map(([member, range]) => [member, Number(range) / Number(RING_SIZE)]));
}

/**
 * One series per member, once every member's tokens are known (undefined: it has not answered
 * yet): without one member's tokens, the others' shares would swallow its ranges.
 */
export function ownershipSamples(
  members: readonly { member: string; tokens: readonly bigint[] | undefined }[],
): Sample<'node'>[] {
  const known = members.flatMap(({ member, tokens }) => (tokens ? [{ member, tokens }] : []));
  if (known.length < members.length) return [];
  return [...ringOwnership(known)].map(([node, value]) => ({ labels: { node }, value }));
}
