/** A JSON HTTP call as a test makes it: status, parsed body and headers, never a throw on 4xx/5xx. */
export interface HttpResult<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
  ms: number;
}

export async function httpJson<T = unknown>(
  url: string,
  init: {
    method?: string;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<HttpResult<T>> {
  const started = Date.now();
  const response = await fetch(url, {
    method: init.method ?? (init.body === undefined && init.rawBody === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': 'application/json', ...init.headers },
    body: init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: keep the text.
  }
  return {
    status: response.status,
    body: body as T,
    headers: response.headers,
    ms: Date.now() - started,
  };
}
