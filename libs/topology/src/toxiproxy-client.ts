/** The subset of Toxiproxy's HTTP API the topology and its drills use. */
export interface Toxic {
  name: string;
  type: string;
  stream: 'upstream' | 'downstream';
  toxicity?: number;
  attributes: Record<string, number>;
}

export interface Proxy {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: Toxic[];
}

export class ToxiproxyClient {
  constructor(readonly baseUrl: string) {}

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      // A change to a proxy waits for what its toxics hold to drain: up to a latency drill's
      // largest latency (60 s).
      signal: AbortSignal.timeout(method === 'GET' ? 5_000 : 70_000),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`toxiproxy ${method} ${path}: ${response.status} ${text.trim()}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private static proxyPath(name: string): string {
    return `/proxies/${encodeURIComponent(name)}`;
  }

  version(): Promise<string> {
    return fetch(`${this.baseUrl}/version`, { signal: AbortSignal.timeout(2_000) }).then((r) =>
      r.ok ? r.text() : Promise.reject(new Error(`toxiproxy /version: ${r.status}`)),
    );
  }

  createProxy(proxy: Omit<Proxy, 'toxics'>): Promise<Proxy> {
    return this.request('POST', '/proxies', proxy);
  }

  async proxies(): Promise<Proxy[]> {
    return Object.values(await this.request<Record<string, Proxy>>('GET', '/proxies'));
  }

  setEnabled(name: string, enabled: boolean): Promise<Proxy> {
    return this.request('POST', ToxiproxyClient.proxyPath(name), { enabled });
  }

  /** Points a proxy at another server; Toxiproxy restarts it, closing every open connection. */
  setUpstream(name: string, upstream: string): Promise<Proxy> {
    return this.request('POST', ToxiproxyClient.proxyPath(name), { upstream });
  }

  addToxic(proxyName: string, toxic: Toxic): Promise<Toxic> {
    return this.request('POST', `${ToxiproxyClient.proxyPath(proxyName)}/toxics`, toxic);
  }

  removeToxic(proxyName: string, toxicName: string): Promise<void> {
    return this.request(
      'DELETE',
      `${ToxiproxyClient.proxyPath(proxyName)}/toxics/${encodeURIComponent(toxicName)}`,
    );
  }

  /**
   * A partition as docs/architecture.md ("A drill, from the CLI to the fault") makes it: a
   * `timeout` toxic with timeout 0 on both directions, so bytes vanish and callers hang until
   * their own timeouts.
   */
  async blackhole(proxyName: string): Promise<void> {
    for (const stream of ['upstream', 'downstream'] as const) {
      await this.addToxic(proxyName, {
        name: `blackhole-${stream}`,
        type: 'timeout',
        stream,
        attributes: { timeout: 0 },
      });
    }
  }

  /** Removes every toxic and re-enables every proxy. */
  async healAll(): Promise<void> {
    for (const proxy of await this.proxies()) {
      for (const toxic of proxy.toxics) await this.removeToxic(proxy.name, toxic.name);
      if (!proxy.enabled) await this.setEnabled(proxy.name, true);
    }
  }
}
