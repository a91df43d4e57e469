import { setTimeout as sleep } from 'node:timers/promises';
import type { LockMode } from '@faultline/contracts';
import type { LockHolderDto } from '@faultline/contracts/dto';
import type { CheckerName, HistoryRecorder } from '@faultline/history';
import { LedgerClient, type LedgerInstance } from '../clients/ledger-client';
import type { WorkloadEnvironment } from '../config/workload-environment';
import { PacedWorkers } from '../workers/worker';

/** One writer of a ledger scenario: through which instance, holding the lock how long each time. */
export interface LedgerWriter {
  name: string;
  instance: LedgerInstance;
  holdMs: number;
}

/** A consensus-lab scenario's ledger load: its writers, and the holder its pause waits for. */
export interface LedgerWorkload {
  writers: readonly LedgerWriter[];
  /** The scenario's drill starts only once this instance has just been granted the lock. */
  pauseHolder: LedgerInstance;
  checkers: readonly CheckerName[];
}

export function ledgerClients(
  env: Pick<WorkloadEnvironment, 'LEDGER_A_URL' | 'LEDGER_B_URL'>,
  history: HistoryRecorder,
): Record<LedgerInstance, LedgerClient> {
  return {
    'ledger-a': new LedgerClient(history, 'ledger-a', env.LEDGER_A_URL!),
    'ledger-b': new LedgerClient(history, 'ledger-b', env.LEDGER_B_URL!),
  };
}

/** Every writer appends to the run's resource under `lock`, one append after another. */
export const ledgerLoad = (
  clients: Record<LedgerInstance, LedgerClient>,
  workload: LedgerWorkload,
  resource: string,
  lock: LockMode,
  opsPerSecond: number,
): PacedWorkers =>
  new PacedWorkers(opsPerSecond).run(
    workload.writers.map((writer) => {
      let appended = 0;
      return () =>
        clients[writer.instance].append(writer.name, {
          request: `${writer.name}-${++appended}`,
          resource,
          lock,
          holdMs: writer.holdMs,
        });
    }),
  );

/** How long a grant may be old and still count as just granted (a pause then catches it held). */
const FRESH_GRANT_MS = 300;
const HOLDER_WAIT_MS = 15_000;

/**
 * Asks `client`'s instance about the resource's lock every `everyMs` until `until` holds:
 * true, or false after HOLDER_WAIT_MS.
 */
async function watchHolder(
  client: LedgerClient,
  resource: string,
  everyMs: number,
  until: (holder: LockHolderDto | undefined) => boolean,
): Promise<boolean> {
  const deadline = performance.now() + HOLDER_WAIT_MS;
  while (performance.now() < deadline) {
    if (until(await client.holder(resource))) return true;
    await sleep(everyMs);
  }
  return false;
}

/**
 * Waits until `client`'s instance has just been granted the resource's lock, so the pause that
 * follows freezes a holder: the point of the scenario. Throws if it never is.
 */
export async function awaitFreshGrant(client: LedgerClient, resource: string): Promise<void> {
  const granted = await watchHolder(
    client,
    resource,
    20,
    (holder) => !!holder?.held && Date.now() - (holder.grantedAtMs ?? 0) < FRESH_GRANT_MS,
  );
  if (!granted) {
    throw new Error(
      `${client.instance} was not granted the lock on ${resource} within ${HOLDER_WAIT_MS} ms`,
    );
  }
}

/**
 * Waits until `client`'s instance holds the resource's lock no more. Its client may have given
 * up on the paused append long before, but the instance carries it on at heal: only once it
 * lets go has the late write landed or been refused, for the final read to see. Gives up after
 * HOLDER_WAIT_MS: an append that never ends is the report's to show.
 */
export async function awaitRelease(client: LedgerClient, resource: string): Promise<void> {
  await watchHolder(client, resource, 100, (holder) => holder?.held === false);
}
