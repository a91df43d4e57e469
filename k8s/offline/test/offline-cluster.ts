// What the offline cluster's tests share: the cluster's description (cluster.sh describe),
// bringing it up and down around a suite, and kubectl against it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';

export const repo = join(__dirname, '..', '..', '..', '..');
const script = join(repo, 'k8s', 'offline', 'cluster.sh');

export interface ClusterDescription {
  kubernetesVersion: string;
  kubeconfig: string;
  kubectl: string;
  binDir: string;
  state: string;
  containerdRoot: string;
  containerdState: string;
  containerdSocket: string;
  nodeName: string;
  nodeIp: string;
  podBridge: string;
  images: Record<string, string>;
}

export function run(command: string, args: string[], input?: string) {
  const result = spawnSync(command, args, { encoding: 'utf8', input, maxBuffer: 64 << 20 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** cluster.sh SUBCOMMAND; with progress, its output goes to the test's. */
export function cluster(subcommand: string, progress = false): number | null {
  if (progress) {
    return spawnSync('bash', [script, subcommand], { stdio: 'inherit' }).status;
  }
  return run('bash', [script, subcommand]).status;
}

export const described = JSON.parse(run('bash', [script, 'describe']).stdout) as ClusterDescription;

/** kubectl against the cluster; throws with its stderr when it fails. */
export function kubectl(args: string[], input?: string): string {
  const result = run(described.kubectl, ['--kubeconfig', described.kubeconfig, ...args], input);
  if (result.status !== 0) {
    throw new Error(`kubectl ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  return result.stdout;
}

/**
 * Brings a cluster of its own up before the suite and takes it down after, even when a test
 * failed. Refuses to start while a cluster is up: it would take the user's down.
 */
export function withOwnCluster(): void {
  before(() => {
    assert.equal(
      process.getuid?.(),
      0,
      'the offline cluster needs root (containerd, iptables, interfaces)',
    );
    assert.notEqual(
      cluster('status'),
      0,
      'a cluster is already up; this test brings up its own: `npm run cluster -- down` first',
    );
    assert.equal(cluster('up', true), 0, 'cluster.sh up failed (its output is above)');
  });
  after(() => {
    if (existsSync(described.state)) cluster('down', true);
  });
}
