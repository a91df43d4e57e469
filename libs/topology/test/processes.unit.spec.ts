import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isAlive, spawnServer, terminate } from '@faultline/topology';
import { allocatePorts } from '../src/ports';
import { eventually } from '@faultline/testing';

describe('processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-proc-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('terminate ends a server that ignores its graceful signal, and its whole process group', async () => {
    const pidFile = join(dir, 'child.pid');
    // A shell that ignores SIGTERM, with a child of its own in the same group.
    const server = spawnServer({
      command: 'sh',
      args: ['-c', `trap '' TERM; sleep 300 & echo $! > ${pidFile}; wait`],
      cwd: dir,
      logFile: join(dir, 'server.log'),
    });
    const childPid = await eventually(() => {
      const pid = Number(readFileSync(pidFile, 'utf8'));
      assert.ok(pid > 0);
      return pid;
    }, 5_000);
    assert.ok(isAlive(server.pid) && isAlive(childPid));
    await terminate(server.pid, 'SIGTERM', 300);
    assert.equal(isAlive(server.pid), false, 'server still alive');
    assert.equal(isAlive(childPid), false, 'its child still alive');
    assert.match(await server.exited, /SIGKILL/);
  });

  it('reports how a server that failed to start ended', async () => {
    const server = spawnServer({
      command: 'sh',
      args: ['-c', 'exit 3'],
      cwd: dir,
      logFile: join(dir, 'exit.log'),
    });
    assert.equal(await server.exited, 'exited with code 3');
  });
});

describe('allocatePorts', () => {
  it('returns distinct ports that are free to listen on', async () => {
    const ports = await allocatePorts(20);
    assert.equal(new Set(ports).size, 20);
    for (const port of ports) {
      await new Promise<void>((resolve, reject) => {
        const server = createServer().once('error', reject);
        server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
      });
    }
  });
});
