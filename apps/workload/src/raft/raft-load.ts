import { setTimeout as sleep } from 'node:timers/promises';
import { CONSENSUS_MEMBERS } from '@faultline/topology';
import type { CheckerName, HistoryRecorder } from '@faultline/history';
import { RegisterClient } from '../clients/register-client';
import type { WorkloadEnvironment } from '../config/workload-environment';
import type { ScheduledDrill } from '../nemesis/schedule';
import { PacedWorkers } from '../workers/worker';
import type { RaftStatusReader } from './raft-status';

/**
 * A consensus-lab scenario's register load: through every member, a writer and a reader of
 * one register, and the member the drill cuts off, chosen by its role when the drill starts.
 */
export interface RaftWorkload {
  cut: 'leader' | 'follower';
  checkers: readonly CheckerName[];
}

/** The drill target a raft scenario names: the member holding that role when the drill starts. */
export const ROLE_TARGETS = { leader: 'etcd-leader', follower: 'etcd-follower' } as const;

/** The register clients: writes through ledger-a, reads through ledger-b. */
export function registerClients(
  env: Pick<WorkloadEnvironment, 'LEDGER_A_URL' | 'LEDGER_B_URL'>,
  history: HistoryRecorder,
): { writes: RegisterClient; reads: RegisterClient } {
  return {
    writes: new RegisterClient(history, 'ledger-a', env.LEDGER_A_URL!),
    reads: new RegisterClient(history, 'ledger-b', env.LEDGER_B_URL!),
  };
}

/** Writers and readers of `key` through every member; every write's value is new. */
export function raftLoad(
  clients: { writes: RegisterClient; reads: RegisterClient },
  key: string,
  opsPerSecond: number,
): PacedWorkers {
  let written = 0;
  return new PacedWorkers(opsPerSecond).run(
    CONSENSUS_MEMBERS.flatMap((member) => [
      () => clients.writes.write(`write-${member}`, { key, value: ++written }, member),
      () => clients.reads.read(`read-${member}`, key, member),
    ]),
  );
}

/** How long the members may take to agree on a leader (an election under way) before the drill. */
const AGREEMENT_WAIT_MS = 5_000;

/** The drill aimed at the member that holds the workload's role now. */
export async function aimAtRole(
  drill: ScheduledDrill,
  workload: RaftWorkload,
  status: RaftStatusReader,
): Promise<ScheduledDrill> {
  const deadline = performance.now() + AGREEMENT_WAIT_MS;
  let leader: string | undefined;
  while (leader === undefined) {
    try {
      leader = await status.leader();
    } catch (err) {
      if (performance.now() > deadline) throw err;
      await sleep(200);
    }
  }
  const target = workload.cut === 'leader' ? leader : CONSENSUS_MEMBERS.find((m) => m !== leader)!;
  return { ...drill, target };
}
