import type { Sample } from './samples';

/**
 * What an etcd member says of itself in its Maintenance.Status answer (the JSON gateway's
 * `POST /v3/maintenance/status`). Member IDs are uint64s, kept as bigint: a Number would round
 * them.
 */
export interface MemberStatus {
  memberId: bigint;
  /** The leader the member believes in; undefined when it knows none (etcd's leader ID 0). */
  leaderId: bigint | undefined;
  raftTerm: number;
  /** The highest index the member knows committed. */
  raftIndex: number;
  /** The highest index it has applied; undefined when the answer does not carry it. */
  raftAppliedIndex: number | undefined;
}

const MAX_UINT64 = (1n << 64n) - 1n;

/** A uint64 as the gateway writes it (decimal text), or undefined for a field left out. */
function uint64(body: Record<string, unknown>, field: string): bigint | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  // BigInt alone would also take '', ' 1' and '0x1'.
  const parsed = typeof value === 'string' && /^\d{1,20}$/.test(value) ? BigInt(value) : undefined;
  if (parsed === undefined || parsed > MAX_UINT64) {
    throw new Error(`${field} is not a uint64: ${JSON.stringify(value)}`);
  }
  return parsed;
}

function required(body: Record<string, unknown>, field: string): bigint {
  const value = uint64(body, field);
  if (value === undefined) throw new Error(`no ${field}`);
  return value;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A member's status answer; throws on anything else (an error body, a proxy's page). The gateway
 * leaves out fields whose value is 0 (proto3 JSON): so a missing leader is leader 0, no leader.
 * A started member's term and committed index are never 0, so an answer without them is not a
 * status answer.
 */
export function parseMemberStatus(body: unknown): MemberStatus {
  try {
    if (!isObject(body)) throw new Error('not an object');
    if (!isObject(body.header)) throw new Error('no header');
    const memberId = required(body.header, 'member_id');
    const leaderId = uint64(body, 'leader');
    const applied = uint64(body, 'raftAppliedIndex');
    return {
      memberId,
      leaderId: leaderId ? leaderId : undefined,
      raftTerm: Number(required(body, 'raftTerm')),
      raftIndex: Number(required(body, 'raftIndex')),
      raftAppliedIndex: applied === undefined ? undefined : Number(applied),
    };
  } catch (err) {
    throw new Error(
      `not a maintenance status answer (${(err as Error).message}): ${JSON.stringify(body)}`,
    );
  }
}

/**
 * The members' names by ID, from a `POST /v3/cluster/member/list` answer; throws on anything
 * else. A member added but not started yet has no name (the gateway leaves it out): it is skipped.
 */
export function parseMemberNames(body: unknown): Map<bigint, string> {
  try {
    if (!isObject(body) || !Array.isArray(body.members)) throw new Error('no members');
    const names = new Map<bigint, string>();
    for (const member of body.members as unknown[]) {
      if (!isObject(member)) throw new Error('a member is not an object');
      const id = required(member, 'ID');
      if (typeof member.name === 'string' && member.name !== '') names.set(id, member.name);
    }
    return names;
  } catch (err) {
    throw new Error(
      `not a member list answer (${(err as Error).message}): ${JSON.stringify(body)}`,
    );
  }
}

/**
 * Whether a `GET /health` answer says the member is healthy: 200 and `{"health":"true"}`.
 * Anything else it answers (`"false"`, a 503, a body that is not JSON) is unhealthy.
 */
export function isHealthyAnswer(status: number, text: string): boolean {
  try {
    const body: unknown = JSON.parse(text);
    return status === 200 && isObject(body) && body.health === 'true';
  } catch {
    return false;
  }
}

/** A member ID as etcd writes it in its logs and etcdctl's tables (types.ID: lowercase hex). */
export const memberIdText = (id: bigint): string => id.toString(16);

/** One member of the consensus lab as the probe saw it in a poll. */
export interface MemberView {
  node: string;
  /** Undefined when it did not answer its status. */
  status: MemberStatus | undefined;
  /** Undefined when it did not answer GET /health at all. */
  healthy: boolean | undefined;
}

export interface ConsensusSamples {
  isLeader: Sample<'node'>[];
  leader: Sample<'node' | 'leader'>[];
  raftTerm: Sample<'node'>[];
  raftIndex: Sample<'node'>[];
  raftAppliedIndex: Sample<'node'>[];
  healthy: Sample<'node'>[];
}

/**
 * Each member's series: the Raft ones only for a member that answered its status, its health
 * only when /health answered. The leader it believes in is named by `names` (the member list);
 * a leader the list does not name is labelled by its ID as etcd writes it, rather than dropped.
 */
export function consensusSamples(
  members: readonly MemberView[],
  names: ReadonlyMap<bigint, string>,
): ConsensusSamples {
  const samples: ConsensusSamples = {
    isLeader: [],
    leader: [],
    raftTerm: [],
    raftIndex: [],
    raftAppliedIndex: [],
    healthy: [],
  };
  for (const { node, status, healthy } of members) {
    if (healthy !== undefined) samples.healthy.push({ labels: { node }, value: healthy ? 1 : 0 });
    if (!status) continue;
    const { memberId, leaderId } = status;
    samples.isLeader.push({ labels: { node }, value: leaderId === memberId ? 1 : 0 });
    if (leaderId !== undefined) {
      const leader = names.get(leaderId) ?? memberIdText(leaderId);
      samples.leader.push({ labels: { node, leader }, value: 1 });
    }
    samples.raftTerm.push({ labels: { node }, value: status.raftTerm });
    samples.raftIndex.push({ labels: { node }, value: status.raftIndex });
    if (status.raftAppliedIndex !== undefined) {
      samples.raftAppliedIndex.push({ labels: { node }, value: status.raftAppliedIndex });
    }
  }
  return samples;
}
