import { type HistoryRecorder, OPERATIONS } from '@faultline/history';
import type { Seen } from './service-call';

/** The service each recorded function exercises (nemesis and final reads belong to none). */
export const SERVICE_OF_FUNCTION: Readonly<Record<string, 'payments' | 'catalog' | 'orders'>> = {
  [OPERATIONS.transfer]: 'payments',
  [OPERATIONS.readBalances]: 'payments',
  [OPERATIONS.pay]: 'payments',
  [OPERATIONS.write]: 'catalog',
  [OPERATIONS.read]: 'catalog',
  [OPERATIONS.order]: 'orders',
};

/** What an operation completed with, as the history records it. */
export interface Completion {
  seen: Seen;
  value?: unknown;
  node?: string;
}

/** An operation the workload performed itself (not an HTTP call) that succeeded with `value`. */
export const succeeded = (value: unknown, node?: string): Completion => ({
  seen: { type: 'ok', body: value },
  value,
  node,
});

/** Records `invoke`, performs the call, records its completion; returns what was seen. */
export async function operate(
  history: HistoryRecorder,
  process: string,
  f: string,
  value: unknown,
  perform: () => Promise<Completion>,
): Promise<Completion> {
  const invocation = history.invoke(process, f, value);
  let completion: Completion;
  try {
    completion = await perform();
  } catch (err) {
    completion = { seen: { type: 'info', error: (err as Error).message } };
  }
  history.complete(invocation, completion.seen.type, completion.value ?? completion.seen.body, {
    node: completion.node,
    error: completion.seen.error,
  });
  return completion;
}
