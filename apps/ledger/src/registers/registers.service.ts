import {
  BadRequestException,
  Injectable,
  type OnApplicationShutdown,
  ServiceUnavailableException,
} from '@nestjs/common';
import { Etcd3 } from 'etcd3';
import { within } from '@faultline/service';
import type { RegisterFailureReason } from '@faultline/contracts';
import type { RegisterDto } from '@faultline/contracts/dto';
import { etcdMemberUrls } from '@faultline/contracts';
import { LedgerEnvironment } from '../config/ledger-environment';

/** How long one register request may take: through a member cut off from the majority it hangs. */
export const REGISTER_TIMEOUT_MS = 2_000;

class RegisterTimeout extends Error {}

/**
 * Registers in etcd, each request through the member it names (a client of that member alone).
 * A write that did not answer ok may still commit, even one refused for want of a leader (the
 * etcd client retries, and an earlier attempt may have been proposed), so no 503 says the
 * write failed.
 */
@Injectable()
export class RegistersService implements OnApplicationShutdown {
  private readonly clients: Map<string, Etcd3>;

  constructor(env: LedgerEnvironment) {
    this.clients = new Map(
      [...etcdMemberUrls(env.ETCD_MEMBERS)].map(([name, url]) => [
        name,
        new Etcd3({ hosts: url, dialTimeout: REGISTER_TIMEOUT_MS }),
      ]),
    );
  }

  async write(key: string, value: number, member: string): Promise<RegisterDto> {
    const etcd = this.member(member);
    try {
      await within(
        etcd.put(`register/${key}`).value(String(value)).exec(),
        REGISTER_TIMEOUT_MS,
        'register request',
        RegisterTimeout,
      );
    } catch (err) {
      throw this.unavailable(member, err);
    }
    return { key, value, member };
  }

  async read(key: string, member: string): Promise<RegisterDto> {
    const etcd = this.member(member);
    let text: string | null;
    try {
      text = await within(
        etcd.get(`register/${key}`).string(),
        REGISTER_TIMEOUT_MS,
        'register request',
        RegisterTimeout,
      );
    } catch (err) {
      throw this.unavailable(member, err);
    }
    return { key, value: text === null ? null : Number(text), member };
  }

  onApplicationShutdown(): void {
    for (const client of this.clients.values()) client.close();
  }

  private member(name: string): Etcd3 {
    const client = this.clients.get(name);
    if (!client) {
      throw new BadRequestException(
        `member must be one of: ${[...this.clients.keys()].join(', ')}`,
      );
    }
    return client;
  }

  private unavailable(member: string, err: unknown): ServiceUnavailableException {
    const message = (err as Error).message;
    const reason: RegisterFailureReason =
      err instanceof RegisterTimeout
        ? 'timeout'
        : /no leader/i.test(message)
          ? 'no-leader'
          : 'unavailable';
    return new ServiceUnavailableException({
      error: reason,
      member,
      message: `${member}: ${message}`,
    });
  }
}
