import type { LockMode } from '@faultline/contracts';
import type { AppendDto, AppendedDto, LedgerDto, LockHolderDto } from '@faultline/contracts/dto';
import { type HistoryRecorder, type LedgerAppendRequest, OPERATIONS } from '@faultline/history';
import { type Completion, operate } from './operation';
import { callService } from './service-call';

/** The consensus lab's ledger instances: each takes the lock for itself. */
export type LedgerInstance = 'ledger-a' | 'ledger-b';

/**
 * A client of one ledger instance: performs one append or a final read and records it. An
 * append's `Op.node` is the instance (the writer); a refusal's value is the storage's record of
 * it (`{ rejection }`).
 */
export class LedgerClient {
  constructor(
    private readonly history: HistoryRecorder,
    readonly instance: LedgerInstance,
    private readonly url: string,
  ) {}

  append(process: string, request: LedgerAppendRequest): Promise<Completion> {
    const node = this.instance;
    const body: AppendDto = {
      request: request.request,
      lock: request.lock as LockMode,
      holdMs: request.holdMs,
    };
    return operate(this.history, process, OPERATIONS.ledgerAppend, request, async () => {
      const seen = await callService<AppendedDto>(
        `${this.url}/ledger/${request.resource}/entries`,
        { method: 'POST', body },
        true,
      );
      if (seen.type === 'ok') return { seen, value: { entry: seen.body.entry }, node };
      const rejection = (seen.body as { rejection?: unknown } | undefined)?.rejection;
      return { seen, value: rejection === undefined ? undefined : { rejection }, node };
    });
  }

  /** Every entry and refusal of the resource, as the storage kept them. */
  finalRead(process: string, resource: string, lock: LockMode): Promise<Completion> {
    return operate(
      this.history,
      process,
      OPERATIONS.ledgerFinalRead,
      { resource, lock },
      async () => {
        const seen = await callService<LedgerDto>(`${this.url}/ledger/${resource}`, {}, false);
        if (seen.type !== 'ok') return { seen };
        const { entries, rejections } = seen.body;
        return { seen, value: { resource, lock, entries, rejections } };
      },
    );
  }

  /** Whether this instance holds the resource's lock now (not recorded: it changes nothing). */
  async holder(resource: string): Promise<LockHolderDto | undefined> {
    const seen = await callService<LockHolderDto>(
      `${this.url}/ledger/${resource}/holder`,
      {},
      false,
    );
    return seen.type === 'ok' ? seen.body : undefined;
  }
}
