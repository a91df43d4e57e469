import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PoolClient } from 'pg';
import { MetricsRegistry } from '@faultline/telemetry';
import type { LedgerEntry, LedgerRejection } from '@faultline/history';
import type { LedgerEnvironment } from '../src/config/ledger-environment';
import { LedgerMetrics } from '../src/ledger/ledger-metrics';
import { LedgerService } from '../src/ledger/ledger.service';
import { FencedWrite, type LedgerStore } from '../src/ledger/ledger-store';
import type { LockGrant } from '../src/locks/lock-grant';
import type { Locks } from '../src/locks/locks';

const HOLD_MS = 200;

/** A store that records when its connection was taken and written on, and how it was released. */
class RecordingStore {
  readonly events: string[] = [];
  released: unknown = 'not released';
  constructor(private readonly write: () => Promise<LedgerEntry>) {}

  async connect(): Promise<PoolClient> {
    this.events.push('connect');
    return {
      release: (err?: unknown) => {
        this.events.push('release');
        this.released = err;
      },
    } as unknown as PoolClient;
  }

  async append(): Promise<LedgerEntry> {
    this.events.push('append');
    return this.write();
  }
}

function ledgerOver(store: RecordingStore) {
  const events = store.events;
  const grant: LockGrant = {
    mode: 'etcd-fenced',
    token: 7,
    grantedAtMs: Date.now(),
    leaseMs: 2_000,
    release: async () => void events.push('unlock'),
  };
  const locks = { acquire: async () => (events.push('lock'), grant) } as unknown as Locks;
  const env = { FAULTLINE_NODE: 'ledger-a' } as LedgerEnvironment;
  return new LedgerService(
    locks,
    store as unknown as LedgerStore,
    new LedgerMetrics(new MetricsRegistry()),
    env,
  );
}

const append = (ledger: LedgerService) =>
  ledger.append('r', { request: 'writer-a-1', lock: 'etcd-fenced', holdMs: HOLD_MS });

describe('an append takes its storage connection with the lock', () => {
  it('before the hold, so a pause during the hold finds the write’s connection open; gives back both', async () => {
    let heldWhenConnected: boolean | undefined;
    let connectedAfterMs = Infinity;
    const store = new RecordingStore(async () => ({ seq: 1 }) as LedgerEntry);
    const ledger = ledgerOver(store);
    const connect = store.connect.bind(store);
    const started = performance.now();
    store.connect = async () => {
      connectedAfterMs = performance.now() - started;
      heldWhenConnected = ledger.holder('r').held;
      return connect();
    };
    await append(ledger);
    assert.ok(performance.now() - started >= HOLD_MS - 5, 'the hold was kept');
    assert.deepEqual(store.events, ['lock', 'connect', 'append', 'release', 'unlock']);
    assert.equal(heldWhenConnected, true);
    assert.ok(
      connectedAfterMs < HOLD_MS / 2,
      `connected ${connectedAfterMs} ms in: after the hold`,
    );
    assert.equal(store.released, undefined, 'a connection that worked goes back to the pool');
  });

  it('closes a connection whose write failed, and keeps one the storage refused a stale token on', async () => {
    const lost = new Error('Connection terminated unexpectedly');
    const failing = new RecordingStore(() => Promise.reject(lost));
    await assert.rejects(append(ledgerOver(failing)), { status: 503 });
    assert.equal(failing.released, lost);

    const rejection = { request: 'writer-a-1', token: 7, fence: 9 } as LedgerRejection;
    const fenced = new RecordingStore(() => Promise.reject(new FencedWrite(rejection)));
    await assert.rejects(append(ledgerOver(fenced)), { status: 409 });
    assert.equal(fenced.released, undefined);
  });
});
