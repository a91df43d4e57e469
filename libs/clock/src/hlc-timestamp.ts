/**
 * A hybrid logical clock timestamp: `wallMs` is the greatest wall time (ms since the epoch) the
 * node has seen, from its own clock or in a timestamp it received; `logical` orders the events
 * that share that wall time.
 */
export interface HlcTimestamp {
  readonly wallMs: number;
  readonly logical: number;
}

/** The total order of timestamps: by wallMs, then by logical. Negative, zero or positive. */
export function compareHlc(a: HlcTimestamp, b: HlcTimestamp): number {
  return a.wallMs - b.wallMs || a.logical - b.logical;
}

/** Throws a RangeError unless both parts are safe integers and `logical` is not negative. */
export function assertHlcTimestamp(timestamp: HlcTimestamp): void {
  const { wallMs, logical } = timestamp;
  if (!Number.isSafeInteger(wallMs) || !Number.isSafeInteger(logical) || logical < 0) {
    throw new RangeError(`not a hybrid logical clock timestamp: ${JSON.stringify(timestamp)}`);
  }
}

// Fixed widths make the encoding sort as the timestamps do, so stores can compare it as text.
const WALL_DIGITS = 16; // the last ms a Date can hold, 8.64e15, has 16 digits
const LOGICAL_DIGITS = 10;
const ENCODED = /^(\d{16})-(\d{10})$/;

/**
 * Encodes a timestamp as `<wallMs>-<logical>` in 16 and 10 zero-padded digits, e.g.
 * `0001767225600000-0000000003`; text comparison of encodings agrees with compareHlc.
 */
export function encodeHlc(timestamp: HlcTimestamp): string {
  assertHlcTimestamp(timestamp);
  const wall = String(timestamp.wallMs);
  const logical = String(timestamp.logical);
  if (timestamp.wallMs < 0 || wall.length > WALL_DIGITS || logical.length > LOGICAL_DIGITS) {
    throw new RangeError(`cannot encode hybrid logical clock timestamp ${wall}-${logical}`);
  }
  return `${wall.padStart(WALL_DIGITS, '0')}-${logical.padStart(LOGICAL_DIGITS, '0')}`;
}

/** Decodes what encodeHlc produced; throws a RangeError on anything else. */
export function decodeHlc(encoded: string): HlcTimestamp {
  const match = ENCODED.exec(encoded);
  if (!match) throw new RangeError(`not an encoded hybrid logical clock timestamp: ${encoded}`);
  const timestamp = { wallMs: Number(match[1]), logical: Number(match[2]) };
  assertHlcTimestamp(timestamp);
  return timestamp;
}
