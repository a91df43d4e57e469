import { assertHlcTimestamp, type HlcTimestamp } from './hlc-timestamp';

/** Reads the node's physical clock: integer milliseconds since the epoch. */
export type PhysicalTime = () => number;

/**
 * A hybrid logical clock (Kulkarni et al., "Logical Physical Clocks and Consistent Snapshots in
 * Globally Distributed Databases", 2014). Its timestamps strictly increase on each node, a
 * timestamp received is always behind the node's next one (causality), and `wallMs` stays the
 * greatest wall time seen, so it never runs ahead of every physical clock involved. It keeps
 * those guarantees while the physical clock jumps, backwards included.
 */
export class HybridLogicalClock {
  private last: HlcTimestamp = { wallMs: 0, logical: 0 };

  constructor(private readonly physicalTime: PhysicalTime) {}

  /** The timestamp of a local event or of a message about to be sent. */
  send(): HlcTimestamp {
    const wallMs = Math.max(this.last.wallMs, this.physicalTime());
    return this.advance(wallMs, wallMs === this.last.wallMs ? this.last.logical + 1 : 0);
  }

  /**
   * Merges a timestamp the node received or read (a message, a stored value) and returns the
   * timestamp of that receipt, greater than both the remote one and every earlier local one.
   */
  receive(remote: HlcTimestamp): HlcTimestamp {
    // A NaN or fractional remote would otherwise poison every later timestamp.
    assertHlcTimestamp(remote);
    const wallMs = Math.max(this.last.wallMs, remote.wallMs, this.physicalTime());
    // Count on from whichever known timestamps already carry this wall time; none: start at 0.
    const logical = Math.max(
      wallMs === this.last.wallMs ? this.last.logical + 1 : 0,
      wallMs === remote.wallMs ? remote.logical + 1 : 0,
    );
    return this.advance(wallMs, logical);
  }

  private advance(wallMs: number, logical: number): HlcTimestamp {
    this.last = { wallMs, logical };
    return this.last;
  }
}
