import type { Logger } from '@nestjs/common';

/**
 * Logs a probe target's failures on transitions only: a warning when it stops answering, a
 * note when it answers again, and debug lines in between (the observer polls every second;
 * a node killed by a drill must not flood the log).
 */
export class ProbeFailures {
  private readonly failing = new Map<string, string>();

  constructor(
    private readonly logger: Logger,
    /** What the probe does while the target does not answer, for the warning. */
    private readonly meanwhile = 'its series are absent until it does',
  ) {}

  failed(target: string, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    if (this.failing.has(target)) {
      this.logger.debug(`${target} still not answering: ${message}`);
    } else {
      this.logger.warn(`${target} not answering, ${this.meanwhile}: ${message}`);
    }
    this.failing.set(target, message);
  }

  ok(target: string): void {
    if (this.failing.delete(target)) this.logger.log(`${target} answers again`);
  }
}
