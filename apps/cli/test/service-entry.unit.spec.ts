import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

/** bin/service.js: the entry point of every service process, in the image and locally. */
const SERVICE = join(__dirname, '..', '..', '..', '..', 'bin', 'service.js');
const APPS = ['payments', 'catalog', 'orders', 'control', 'workload'];

function service(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [SERVICE, ...args],
      // Nothing of the caller's environment: the refusal must not depend on it.
      { env: { PATH: process.env.PATH }, timeout: 30_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('bin/service.js', () => {
  for (const args of [['nonsense'], []]) {
    it(`refuses ${args.length ? `"${args[0]}"` : 'no app'} with exit 2, naming the valid apps`, async () => {
      const run = await service(...args);
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stdout, '');
      for (const app of APPS) assert.match(run.stderr, new RegExp(`\\b${app}\\b`));
      if (args.length) assert.match(run.stderr, /nonsense/);
    });
  }
});
