/** A command line the CLI cannot run (a bad flag or argument): one line on stderr, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE_EXIT_CODE = 2;
