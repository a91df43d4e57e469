/**
 * An error a user can act on: its message is one line that says what to do.
 * The CLI prints it without a stack trace and exits non-zero.
 */
export class TopologyError extends Error {
  override readonly name = 'TopologyError';
}
