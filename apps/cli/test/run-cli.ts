import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';

/** The CLI as a user runs it: bin/faultline.js in a process of its own. */
export const BIN = join(__dirname, '..', '..', '..', '..', 'bin', 'faultline.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function faultline(env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, ...env }, timeout: 300_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** One line on stderr and nothing on stdout: what every error must look like. */
export function assertOneLineError(run: CliRun, code: number, line: string | RegExp): void {
  assert.equal(run.code, code, run.stderr);
  assert.equal(run.stdout, '');
  assert.equal(run.stderr.split('\n').length, 2, `one line: ${run.stderr}`);
  if (typeof line === 'string') assert.equal(run.stderr, `${line}\n`);
  else assert.match(run.stderr, line);
}
