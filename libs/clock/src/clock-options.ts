/** What a service tells ClockModule.forRoot. */
export interface ClockOptions {
  /** The node this process is, e.g. `payments-0`: the `node` label of the offset metric. */
  node: string;
}

export const CLOCK_OPTIONS = Symbol('CLOCK_OPTIONS');
