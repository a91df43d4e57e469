import { setTimeout as sleep } from 'node:timers/promises';
import type { ReadConsistency } from '@faultline/history';
import type { CatalogClient } from '../clients/catalog-client';
import type { Clients } from '../clients/clients';

/** How long a run waits for the replicas to catch up after heal before its final reads. */
const CONVERGENCE_WAIT_MS = 15_000;
const POLL_MS = 250;

/** Until every instance's replica serves the primary's version of every product (bounded). */
export async function awaitConvergence(clients: Clients, skus: readonly string[]): Promise<void> {
  const { 'catalog-a': a, 'catalog-b': b } = clients.catalog;
  const version = async (client: CatalogClient, sku: string, consistency: ReadConsistency) =>
    (await client.product(sku, consistency))?.version ?? -1;
  const converged = async (sku: string) => {
    const primary = await version(a, sku, 'strong');
    const replicas = await Promise.all([version(a, sku, 'eventual'), version(b, sku, 'eventual')]);
    return replicas.every((v) => v === primary);
  };
  const deadline = performance.now() + CONVERGENCE_WAIT_MS;
  while (performance.now() < deadline) {
    let all = true;
    for (const sku of skus) if (!(await converged(sku))) all = false;
    if (all) return;
    await sleep(POLL_MS);
  }
}
