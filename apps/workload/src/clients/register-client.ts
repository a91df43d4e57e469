import type { RegisterDto, RegisterWriteDto } from '@faultline/contracts/dto';
import { type HistoryRecorder, OPERATIONS, type RegisterWriteRequest } from '@faultline/history';
import type { LedgerInstance } from './ledger-client';
import { type Completion, operate } from './operation';
import { callService } from './service-call';

/**
 * A client of a ledger instance's register API: one write or read through a named etcd member,
 * recorded with that member as `Op.node`.
 */
export class RegisterClient {
  constructor(
    private readonly history: HistoryRecorder,
    readonly instance: LedgerInstance,
    private readonly url: string,
  ) {}

  write(process: string, request: RegisterWriteRequest, member: string): Promise<Completion> {
    const body: RegisterWriteDto = { value: request.value, member };
    return operate(this.history, process, OPERATIONS.registerWrite, request, async () => {
      const seen = await callService<RegisterDto>(
        `${this.url}/registers/${request.key}`,
        { method: 'PUT', body },
        true,
      );
      return { seen, value: seen.type === 'ok' ? {} : undefined, node: member };
    });
  }

  read(process: string, key: string, member: string): Promise<Completion> {
    return operate(this.history, process, OPERATIONS.registerRead, { key }, async () => {
      const seen = await callService<RegisterDto>(
        `${this.url}/registers/${key}?member=${encodeURIComponent(member)}`,
        {},
        false,
      );
      return {
        seen,
        value: seen.type === 'ok' ? { value: seen.body.value } : undefined,
        node: member,
      };
    });
  }
}
