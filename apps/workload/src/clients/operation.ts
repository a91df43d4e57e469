import type { HistoryRecorder } from '@faultline/history';
import type { Seen } from './service-call';

/** The service each recorded function exercises (nemesis and final reads belong to none). */
export const SERVICE_OF_FUNCTION: Readonly<Record<string, 'payments' | 'catalog' | 'orders'>> = {
  transfer: 'payments',
  'read-balances': 'payments',
  pay: 'payments',
  write: 'catalog',
  read: 'catalog',
  order: 'orders',
};

/** What an operation completed with, as the history records it. */
export interface Completion {
  seen: Seen;
  value?: unknown;
  node?: string;
}

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
