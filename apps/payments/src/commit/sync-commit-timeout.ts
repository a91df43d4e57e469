/**
 * COMMIT was sent but its outcome is unknown: the transaction may be committed on
 * the primary. The client must retry with the same Idempotency-Key.
 */
export class IndeterminateCommit extends Error {
  constructor(
    readonly error: 'sync_replication_unavailable' | 'commit_interrupted',
    message: string,
  ) {
    super(message);
  }
}

/**
 * No synchronous standby confirmed the commit in time. The transaction is committed
 * on the primary but not known to be on any standby.
 */
export class SyncCommitTimeout extends IndeterminateCommit {
  override readonly name = 'SyncCommitTimeout';

  constructor(readonly timeoutMs: number) {
    super(
      'sync_replication_unavailable',
      `no synchronous standby confirmed the commit within ${timeoutMs} ms`,
    );
  }
}
