import type {
  AccountDto,
  CreatePaymentDto,
  CreateTransferDto,
  PaymentDto,
  TransferDto,
} from '@faultline/contracts/dto';
import {
  type HistoryRecorder,
  type PayRequest,
  type TransferRequest,
  OPERATIONS,
} from '@faultline/history';
import type { PaymentsOp } from '../generator/generated-ops';
import { runKey, type Workbench } from '../setup/workbench';
import { type Completion, operate } from './operation';
import { type RetryPolicy, untilDeterminate } from './retry';
import { callService, type Seen } from './service-call';

const NODE = 'payments-0';

/**
 * The payments service's client: performs one operation (a transfer, a whole-bank read, a
 * payment) and records it in the history. A payment left indeterminate is retried with its key.
 */
export class PaymentsClient {
  constructor(
    private readonly history: HistoryRecorder,
    private readonly url: string,
    private readonly workbench: Workbench,
    private readonly retry: RetryPolicy,
  ) {}

  /** A generated operation, its accounts and key resolved to this run's. */
  perform(process: string, op: PaymentsOp): Promise<Completion> {
    const w = this.workbench;
    switch (op.f) {
      case OPERATIONS.transfer: {
        const { from, to, amount, key } = op.value;
        return this.transfer(process, {
          from: w.bankAccounts[from]!,
          to: w.bankAccounts[to]!,
          amount,
          key: runKey(w, key),
        });
      }
      case OPERATIONS.readBalances:
        return this.readBalances(process);
      case OPERATIONS.pay: {
        const { key, amount } = op.value;
        return this.pay(process, { key: runKey(w, key), accountId: w.walletAccount, amount });
      }
    }
  }

  /** A transfer between two bank accounts; a 409 (not enough money) is a fail. */
  transfer(process: string, request: TransferRequest): Promise<Completion> {
    const { key, ...transfer } = request;
    return operate(this.history, process, OPERATIONS.transfer, request, async () => {
      const body: CreateTransferDto = transfer;
      const seen = await callService<TransferDto>(
        `${this.url}/transfers`,
        { method: 'POST', body, headers: { 'Idempotency-Key': key } },
        true,
      );
      return { seen, value: seen.type === 'ok' ? { id: seen.body.id } : seen.body, node: NODE };
    });
  }

  /** One read of every bank balance, in one snapshot. */
  readBalances(process: string): Promise<Completion> {
    const ids = this.workbench.bankAccounts.join(',');
    return operate(this.history, process, OPERATIONS.readBalances, null, async () => {
      const seen = await callService<AccountDto[]>(`${this.url}/accounts?ids=${ids}`, {}, false);
      if (seen.type !== 'ok') return { seen, node: NODE };
      const balances = Object.fromEntries(seen.body.map((a) => [a.id, a.balance]));
      return { seen, value: { balances }, node: NODE };
    });
  }

  /** A payment under its idempotency key; an indeterminate one is retried with the same key. */
  pay(process: string, request: PayRequest): Promise<Completion> {
    const { key, accountId, amount } = request;
    const body: CreatePaymentDto = { accountId, amount, reference: `workload-${key}` };
    return untilDeterminate(this.retry, () =>
      operate(this.history, process, OPERATIONS.pay, request, async () => {
        const seen = await callService<PaymentDto>(
          `${this.url}/payments`,
          { method: 'POST', body, headers: { 'Idempotency-Key': key } },
          true,
        );
        return { seen, value: seen.type === 'ok' ? { id: seen.body.id } : seen.body, node: NODE };
      }),
    );
  }

  /** The payments made under an idempotency key (unrecorded). */
  paymentsUnder(key: string): Promise<Seen<PaymentDto[]>> {
    const url = `${this.url}/payments?idempotencyKey=${encodeURIComponent(key)}`;
    return callService<PaymentDto[]>(url, {}, false);
  }

  /** An account's balance (unrecorded); undefined if unread. */
  async balanceOf(accountId: string): Promise<number | undefined> {
    const seen = await callService<AccountDto[]>(
      `${this.url}/accounts?ids=${accountId}`,
      {},
      false,
    );
    return seen.type === 'ok' ? seen.body[0]?.balance : undefined;
  }
}
