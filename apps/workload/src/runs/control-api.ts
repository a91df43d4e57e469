import { ControlApiClient } from '@faultline/contracts';

/** The control API as the workload's nemesis uses it: any error status is an error. */
export const controlApi = (url: string, token: string): ControlApiClient =>
  new ControlApiClient(async (method, path, body) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`control ${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  });
