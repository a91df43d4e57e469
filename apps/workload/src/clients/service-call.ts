/** What a client saw, in history terms: ok, fail (certainly did not happen) or info (indeterminate). */
export type Seen<T = unknown> = Answered<T> | NotAnswered;

/** A 2xx: its body is what the API's contract says. */
export interface Answered<T> {
  type: 'ok';
  status?: number;
  body: T;
  headers?: Headers;
  error?: undefined;
}

export interface NotAnswered {
  type: 'fail' | 'info';
  status?: number;
  body?: unknown;
  headers?: Headers;
  error?: string;
}

/** A request to a service: `body` is typed by the caller with the API's request DTO. */
export interface ServiceRequest {
  method?: 'GET' | 'POST' | 'PUT';
  body?: object;
  headers?: Record<string, string>;
}

/** A client gives up on a request after this long: the outcome is then indeterminate. */
export const CLIENT_TIMEOUT_MS = 5_000;

/**
 * One HTTP call to a service, classified. `mutating` calls that time out or get a 503
 * that does not say `outcome: "failed"` are indeterminate; a read that fails changed
 * nothing, so it is a plain fail.
 */
export async function callService<T>(
  url: string,
  init: ServiceRequest,
  mutating: boolean,
): Promise<Seen<T>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? 'GET',
      headers: { 'content-type': 'application/json', ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
    });
  } catch (err) {
    return { type: mutating ? 'info' : 'fail', error: (err as Error).message };
  }
  const text = await response.text().catch(() => '');
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON.
  }
  const seen = { status: response.status, headers: response.headers };
  if (response.ok) return { type: 'ok', body: body as T, ...seen };
  const declaredFailed = (body as { outcome?: string } | undefined)?.outcome === 'failed';
  const error = `${response.status} ${JSON.stringify(body)}`;
  if (response.status >= 500 && mutating && !declaredFailed)
    return { type: 'info', error, body, ...seen };
  return { type: 'fail', error, body, ...seen };
}
