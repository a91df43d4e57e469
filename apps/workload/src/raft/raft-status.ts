import { setTimeout as sleep } from 'node:timers/promises';
import { type HistoryRecorder, OPERATIONS, type RaftStatusOk } from '@faultline/history';
import { operate } from '../clients/operation';

/** How long a member may take to say its status: one cut off from the majority may not answer. */
const STATUS_TIMEOUT_MS = 500;

/** etcd's JSON gateway writes uint64s as decimal strings. */
interface StatusAnswer {
  header?: { member_id?: string };
  leader?: string;
  raftTerm?: string;
  raftIndex?: string;
}
interface MemberListAnswer {
  members?: { ID?: string; name?: string }[];
}

async function post<T>(url: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    body: '{}',
    headers: { 'content-type': 'application/json' },
    signal: AbortSignal.timeout(STATUS_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return (await response.json()) as T;
}

/**
 * Each etcd member's own view of the Raft group, asked of the member directly (the workload is
 * outside the faulty network): the leader it follows, by name, and its term.
 */
export class RaftStatusReader {
  /** Member ID (decimal) -> name, from the first member list any member answered. */
  private names?: Map<string, string>;

  constructor(readonly members: ReadonlyMap<string, string>) {}

  async status(member: string): Promise<RaftStatusOk> {
    const url = this.members.get(member);
    if (!url) throw new Error(`no etcd member ${member}`);
    const answer = await post<StatusAnswer>(`${url}/v3/maintenance/status`);
    const names = await this.memberNames();
    const leader = answer.leader && answer.leader !== '0' ? answer.leader : undefined;
    return {
      member,
      leader: leader === undefined ? null : (names.get(leader) ?? `id ${leader}`),
      term: Number(answer.raftTerm ?? 0),
      index: Number(answer.raftIndex ?? 0),
    };
  }

  /** The leader the members that answer agree on now; throws while they do not. */
  async leader(): Promise<string> {
    const views = await Promise.allSettled([...this.members.keys()].map((m) => this.status(m)));
    const leaders = new Set(
      views.flatMap((v) => (v.status === 'fulfilled' && v.value.leader ? [v.value.leader] : [])),
    );
    if (leaders.size !== 1) throw new Error(`the etcd members do not agree on a leader now`);
    return [...leaders][0]!;
  }

  private async memberNames(): Promise<Map<string, string>> {
    if (this.names) return this.names;
    const errors: string[] = [];
    for (const url of this.members.values()) {
      try {
        const list = await post<MemberListAnswer>(`${url}/v3/cluster/member/list`);
        this.names = new Map(
          (list.members ?? []).flatMap((m) => (m.ID && m.name ? [[m.ID, m.name] as const] : [])),
        );
        return this.names;
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    throw new Error(`no etcd member listed the members: ${errors.join('; ')}`);
  }
}

const PROCESS = 'raft-observer';
const INTERVAL_MS = 250;

/**
 * Records every member's status every INTERVAL_MS until stopped: the history then shows when
 * the cut-off leader stepped down and when the majority elected another, and in which term.
 */
export async function recordRaftStatus(
  history: HistoryRecorder,
  reader: RaftStatusReader,
  stop: AbortSignal,
): Promise<void> {
  while (!stop.aborted) {
    const started = performance.now();
    await Promise.all(
      [...reader.members.keys()].map((member) =>
        operate(history, `${PROCESS}-${member}`, OPERATIONS.raftStatus, { member }, async () => {
          try {
            const status = await reader.status(member);
            return { seen: { type: 'ok', body: status }, value: status, node: member };
          } catch (err) {
            return { seen: { type: 'fail', error: (err as Error).message }, node: member };
          }
        }),
      ),
    );
    await sleep(Math.max(0, INTERVAL_MS - (performance.now() - started)));
  }
}
