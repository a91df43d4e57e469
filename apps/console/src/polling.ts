/**
 * Runs `task` now and then every `intervalMs` after each run ends, until stopped; a failed
 * run is reported to `failed` (views show it) and the next one is tried as usual, so a view
 * recovers by itself when control answers again.
 */
export class Polling {
  private timer?: ReturnType<typeof setTimeout>;
  private running = false;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly failed: (err: Error) => void = () => undefined,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.tick();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  /** Runs the task at once (after a change the user made), keeping the cadence. */
  now(): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    void this.tick();
  }

  private async tick(): Promise<void> {
    try {
      await this.task();
    } catch (err) {
      this.failed(err as Error);
    }
    if (!this.running) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), this.intervalMs);
  }
}
