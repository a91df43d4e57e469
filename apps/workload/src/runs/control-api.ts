/** The control API as a scenario uses it: start drills, heal them. */
export class ControlApi {
  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`control ${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  startDrill(
    drill: { kind: string; target: string; params?: Record<string, unknown> },
    ttlSeconds: number,
  ) {
    return this.request<{ id: string }>('POST', '/drills', { ...drill, ttlSeconds });
  }

  heal(id: string) {
    return this.request('DELETE', `/drills/${encodeURIComponent(id)}`);
  }
}
