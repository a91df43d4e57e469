/**
 * Work done again `intervalMs` after each run of it ends, never two runs at once, until
 * stopped. The work handles its own errors: a rejection here would be unhandled.
 */
export class RepeatingTask {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly work: () => Promise<unknown>,
    private readonly intervalMs: number,
  ) {}

  start(firstRunInMs = this.intervalMs): void {
    const tick = () =>
      void this.work().finally(() => {
        // Stopped while the work ran: no next run.
        if (this.timer) this.timer = setTimeout(tick, this.intervalMs);
      });
    this.timer = setTimeout(tick, firstRunInMs);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
