import { IsInt, Max, Min } from 'class-validator';
import { MAX_CLOCK_OFFSET_MS } from './clock';

/** The body of PUT /internal/clock. */
export class ClockOffsetDto {
  /** Milliseconds the node's clock runs ahead of system time (negative: behind). */
  @IsInt()
  @Min(-MAX_CLOCK_OFFSET_MS)
  @Max(MAX_CLOCK_OFFSET_MS)
  offsetMs!: number;
}
