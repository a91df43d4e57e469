import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

/** Where a sample's function lives: a package of node_modules, the project's code, or Node. */
function owner(url: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.includes('/dist/')) return 'faultline';
  if (url.startsWith('node:') || url === '') return 'node (runtime, GC, idle)';
  return url;
}

/**
 * A CPU profile of a running Node process, without restarting it: SIGUSR1 opens its inspector
 * (on 127.0.0.1:9229), the Chrome DevTools protocol starts and stops the profiler. Writes the
 * `.cpuprofile` (open it in Chromium's DevTools or speedscope) and returns self time per owner.
 */
export async function profileProcess(
  pid: number,
  durationMs: number,
  file: string,
): Promise<{ owner: string; share: number }[]> {
  process.kill(pid, 'SIGUSR1');
  let target: { webSocketDebuggerUrl: string } | undefined;
  for (let i = 0; i < 50 && !target; i++) {
    await sleep(100);
    target = await fetch('http://127.0.0.1:9229/json/list')
      .then((r) => r.json() as Promise<{ webSocketDebuggerUrl: string }[]>)
      .then((list) => list[0])
      .catch(() => undefined);
  }
  if (!target) throw new Error(`process ${pid} opened no inspector`);
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let next = 0;
  const pending = new Map<number, (result: unknown) => void>();
  socket.onmessage = (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  };
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      const id = ++next;
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  const evaluate = async (expression: string) =>
    (
      (await call('Runtime.evaluate', { expression, returnByValue: true })) as {
        result: { value: unknown };
      }
    ).result.value;
  // The inspector's port is one for the machine: make sure it is this process's.
  const answering = await evaluate('process.pid');
  if (answering !== pid)
    throw new Error(`the inspector on 9229 is process ${answering}'s, not ${pid}'s`);
  await call('Profiler.enable');
  await call('Profiler.setSamplingInterval', { interval: 500 });
  await call('Profiler.start');
  await sleep(durationMs);
  const { profile } = (await call('Profiler.stop')) as { profile: Profile };
  // Closes the inspector again (the port is free for the next profile); the socket goes with it.
  void evaluate('process._debugEnd()');
  await sleep(200);
  socket.close();
  writeFileSync(file, JSON.stringify(profile));

  // Self time per function's owner; frames with no script are Node's own (builtins, I/O).
  const byOwner = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    total += hits;
    const name =
      node.callFrame.functionName === '(idle)'
        ? 'idle'
        : ['(garbage collector)', '(program)'].includes(node.callFrame.functionName)
          ? node.callFrame.functionName
          : owner(node.callFrame.url);
    byOwner.set(name, (byOwner.get(name) ?? 0) + hits);
  }
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
    byFunction.set(where, (byFunction.get(where) ?? 0) + (node.hitCount ?? 0));
  }
  const top = (map: Map<string, number>) =>
    [...map]
      .map(([name, hits]) => ({ owner: name, share: hits / total }))
      .sort((a, b) => b.share - a.share);
  return [
    ...top(byOwner),
    ...top(byFunction)
      .slice(0, 15)
      .map((f) => ({ ...f, owner: `fn ${f.owner}` })),
  ];
}
