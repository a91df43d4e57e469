import { setTimeout as sleep } from 'node:timers/promises';
import { ControlApiClient, type HttpMethod } from '@faultline/contracts';
import { readState } from '@faultline/topology';
import { parseDuration } from './duration';

/** The control API could not be found or reached, or refused a request: one line for the user. */
export class ControlApiError extends Error {
  override readonly name = 'ControlApiError';
}

const TIMEOUT_MS = 15_000;

/** The API's JSON errors carry `message`, a string or (from validation) a list of them. */
function errorMessage(text: string): string | undefined {
  try {
    const { message } = JSON.parse(text) as { message?: unknown };
    if (typeof message === 'string') return message;
    if (Array.isArray(message)) return message.join('; ');
  } catch {
    // Not JSON (a proxy's error page, say): the caller says what it can.
  }
  return undefined;
}

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, …) is its cause. */
const causeCode = (err: unknown): string | undefined =>
  (err as { cause?: { code?: string } }).cause?.code;

/**
 * Failures where the request never reached a server: trying again cannot apply it twice,
 * even a POST. A reset or a timeout may come after the server acted, so they are final.
 */
const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

function unreachable(url: string, err: unknown): ControlApiError {
  if ((err as Error).name === 'TimeoutError') {
    return new ControlApiError(
      `the control API at ${url} did not answer within ${TIMEOUT_MS / 1000} s`,
    );
  }
  const code = causeCode(err);
  const reason =
    code === 'ECONNREFUSED'
      ? 'connection refused'
      : (code ??
        (err as { cause?: { message?: string } }).cause?.message ??
        (err as Error).message);
  return new ControlApiError(`cannot reach the control API at ${url} (${reason})`);
}

export class ControlClient {
  constructor(
    readonly url: string,
    private readonly token: string,
    /** How long to keep trying while the API cannot be connected to (FAULTLINE_CONNECT_WAIT). */
    private readonly connectWaitMs = 0,
  ) {}

  /**
   * Where the control API is: FAULTLINE_URL and FAULTLINE_TOKEN when set (a port-forward to
   * a cluster, say), otherwise what the local topology's state file says.
   */
  static locate(stateFile: string, env: NodeJS.ProcessEnv = process.env): ControlClient {
    const state = env.FAULTLINE_URL && env.FAULTLINE_TOKEN ? undefined : readState(stateFile);
    const url = env.FAULTLINE_URL || state?.nodes.find((n) => n.name === 'control')?.url;
    if (!url) {
      throw new ControlApiError(
        state
          ? `the topology in ${stateFile} has no control node: restart it with \`faultline down\` and \`faultline up\`, or set FAULTLINE_URL`
          : `no topology is running (no ${stateFile}): start one with \`faultline up\`, or set FAULTLINE_URL to a control API`,
      );
    }
    if (!/^https?:\/\/[^/]/.test(url)) {
      throw new ControlApiError(`FAULTLINE_URL must be an http(s) URL, not ${url}`);
    }
    const token = env.FAULTLINE_TOKEN || state?.adminToken;
    if (!token) {
      throw new ControlApiError(`no token for the control API at ${url}: set FAULTLINE_TOKEN`);
    }
    const wait = env.FAULTLINE_CONNECT_WAIT || '0s';
    const connectWaitMs = parseDuration(wait, 's');
    if (connectWaitMs === undefined || connectWaitMs < 0) {
      throw new ControlApiError(
        `FAULTLINE_CONNECT_WAIT must be a duration such as 30s, not ${wait}`,
      );
    }
    // A trailing slash would double up with the request paths; a path prefix (an ingress) stays.
    return new ControlClient(url.replace(/\/+$/, ''), token, connectWaitMs);
  }

  /** The API, typed, over this client's waits and one-line errors. */
  api(): ControlApiClient {
    return new ControlApiClient((method, path, body) => this.request(method, path, body));
  }

  async request<T>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
    let response: Response;
    let text: string;
    const connectDeadline = performance.now() + this.connectWaitMs;
    for (;;) {
      try {
        response = await fetch(`${this.url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${this.token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        text = await response.text();
        break;
      } catch (err) {
        // A pod that has just started may not be let through yet (NetworkPolicies take a
        // moment to cover it), nor find the Service's name: the caller said how long to wait.
        if (!NEVER_CONNECTED.has(causeCode(err) ?? '') || performance.now() >= connectDeadline) {
          throw unreachable(this.url, err);
        }
        await sleep(500);
      }
    }
    if (!response.ok) {
      const message = errorMessage(text) ?? (oneLine(text).slice(0, 200) || response.statusText);
      const hint = response.status === 401 ? ' (check FAULTLINE_TOKEN)' : '';
      throw new ControlApiError(`${response.status} ${oneLine(message)}${hint}`);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ControlApiError(
        `${method} ${this.url}${path} did not answer JSON: is this a faultline control API?`,
      );
    }
  }
}
