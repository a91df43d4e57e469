import { ControlApiClient, type HttpMethod } from '@faultline/contracts';
import { el } from './dom';
import type { TokenStore } from './token-store';

/** An answer of control's other than a 2xx: its status and its own message. */
export class ControlRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Control did not answer at all (down, restarting, port-forward gone). */
export class ConnectionLost extends Error {}

/** The words of an error body as Nest writes it: `{message: string | string[]}`. */
function messageOf(body: unknown, status: number): string {
  const message = (body as { message?: unknown } | undefined)?.message;
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string') return message;
  if (message && typeof message === 'object') return messageOf(message, status);
  return `control answered ${status}`;
}

/**
 * The console's one way to control: every request carries the token (asked for when there
 * is none, asked again when control refuses it), and the banner says when control stopped
 * answering and when it is back. Views poll; a lost connection makes each poll fail fast
 * until one gets through, so the page recovers by itself.
 */
export class ControlConnection {
  readonly api = new ControlApiClient((method, path, body) => this.send(method, path, body));
  readonly banner = el('div', { class: 'connection', role: 'status', 'data-state': 'connected' });

  constructor(private readonly tokens: TokenStore) {}

  async send(method: HttpMethod, path: string, body?: unknown): Promise<unknown> {
    const token = await this.tokens.token();
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (err) {
      this.lost((err as Error).message);
      throw new ConnectionLost((err as Error).message);
    }
    // A proxy in front of control (a port-forward) answers 502 when control is gone.
    if (response.status === 502 || response.status === 504) {
      this.lost(`${response.status} ${response.statusText}`);
      throw new ConnectionLost(`${response.status} ${response.statusText}`);
    }
    this.connected();
    const answer: unknown = await response.json().catch(() => undefined);
    if (response.status === 401) {
      const reason = `Control refused the token: ${messageOf(answer, 401)}.`;
      this.tokens.refused(reason);
      throw new ControlRefusal(401, reason);
    }
    if (!response.ok) throw new ControlRefusal(response.status, messageOf(answer, response.status));
    return answer;
  }

  private lost(reason: string): void {
    this.banner.dataset.state = 'lost';
    this.banner.textContent = `Lost the connection to control at ${location.origin} (${reason}); retrying…`;
  }

  private connected(): void {
    if (this.banner.dataset.state === 'connected') return;
    this.banner.dataset.state = 'connected';
    this.banner.textContent = '';
  }
}
