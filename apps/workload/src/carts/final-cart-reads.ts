import { setTimeout as sleep } from 'node:timers/promises';
import type { CartReadOk } from '@faultline/history';
import { RING_MEMBERS } from '@faultline/topology';
import type { CartsClient } from '../clients/carts-client';
import { FINAL_PROCESS } from '../final/final-reads';

/** How long after the load stops the replicas may take to agree. */
const CONVERGENCE_LIMIT_MS = 45_000;
const ROUND_MS = 1_000;

/**
 * Reads every cart on every member, round after round, from the heal on (while the load still
 * adds) until the load has stopped and each cart's replicas hold the same items, or the limit
 * passes: the history shows when each replica caught up, which the convergence checker turns
 * into "converged N s after heal".
 */
export async function finalCartReads(
  client: CartsClient,
  carts: readonly string[],
  loadStopped: AbortSignal,
): Promise<void> {
  let deadline: number | undefined;
  for (;;) {
    let agreed = true;
    for (const cart of carts) {
      const held = new Set<string>();
      for (const member of RING_MEMBERS) {
        const { seen, value } = await client.finalRead(FINAL_PROCESS, cart, member);
        const items = seen.type === 'ok' ? (value as CartReadOk).items : undefined;
        held.add(items ? JSON.stringify([...items].sort()) : 'unread');
      }
      if (held.size !== 1 || held.has('unread')) agreed = false;
    }
    if (loadStopped.aborted) {
      deadline ??= performance.now() + CONVERGENCE_LIMIT_MS;
      if (agreed || performance.now() > deadline) return;
    }
    await sleep(ROUND_MS);
  }
}
