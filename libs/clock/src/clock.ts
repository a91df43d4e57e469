import { Injectable } from '@nestjs/common';

/** How far the injected offset may move a node's clock either way: 24 hours. */
export const MAX_CLOCK_OFFSET_MS = 86_400_000;

/** What the node's clock says, and by how much it is skewed on purpose. */
export interface ClockReading {
  wallMs: number;
  offsetMs: number;
}

/**
 * The node's wall clock: system time plus an offset a drill injects to skew it. Every faultline
 * service reads wall time here and nowhere else, so a skewed node behaves as a whole.
 */
@Injectable()
export class Clock {
  private offset = 0;

  /** Milliseconds since the epoch, offset included. */
  now(): number {
    return Date.now() + this.offset;
  }

  get offsetMs(): number {
    return this.offset;
  }

  /** Sets the skew; an integer number of milliseconds within ±MAX_CLOCK_OFFSET_MS. */
  setOffset(offsetMs: number): void {
    if (!Number.isInteger(offsetMs) || Math.abs(offsetMs) > MAX_CLOCK_OFFSET_MS) {
      throw new RangeError(
        `offsetMs must be an integer within ±${MAX_CLOCK_OFFSET_MS}, got ${offsetMs}`,
      );
    }
    this.offset = offsetMs;
  }

  read(): ClockReading {
    return { wallMs: this.now(), offsetMs: this.offset };
  }
}
