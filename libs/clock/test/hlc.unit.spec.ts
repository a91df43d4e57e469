import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compareHlc, decodeHlc, encodeHlc, type HlcTimestamp } from '../src/hlc-timestamp';
import { HybridLogicalClock } from '../src/hybrid-logical-clock';

const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const DAY_MS = 86_400_000;

/** A clock whose physical time the test sets. */
function clockAt(startMs: number): { hlc: HybridLogicalClock; setPhysical: (ms: number) => void } {
  let physical = startMs;
  return {
    hlc: new HybridLogicalClock(() => physical),
    setPhysical: (ms) => (physical = ms),
  };
}

// Wall times near T0 so that physical readings and remote timestamps often tie (which exercises
// the logical counter), mixed with jumps of up to a day either way (skew injected or removed).
const wallMs = fc.oneof(
  fc.integer({ min: T0 - 3, max: T0 + 3 }),
  fc.integer({ min: T0 - DAY_MS, max: T0 + DAY_MS }),
);
const timestamp = fc.record({ wallMs, logical: fc.nat({ max: 1_000 }) });

/** One step of a node's life: its physical clock reads `physicalMs`, then it sends or receives. */
type Step = { physicalMs: number; receive?: HlcTimestamp };
const steps = fc.array(
  fc.record({ physicalMs: wallMs, receive: fc.option(timestamp, { nil: undefined }) }),
  { minLength: 1, maxLength: 200 },
);

/** Runs the steps on a fresh clock, handing each result to `check`. */
function run(
  history: Step[],
  check: (result: HlcTimestamp, step: Step, previous: HlcTimestamp | undefined) => void,
): void {
  const { hlc, setPhysical } = clockAt(T0);
  let previous: HlcTimestamp | undefined;
  for (const step of history) {
    setPhysical(step.physicalMs);
    const result = step.receive === undefined ? hlc.send() : hlc.receive(step.receive);
    check(result, step, previous);
    previous = result;
  }
}

describe('HybridLogicalClock properties', () => {
  it('is strictly monotonic whatever the physical clock does, backward jumps included', () => {
    fc.assert(
      fc.property(steps, (history) =>
        run(history, (result, _step, previous) => {
          if (previous !== undefined) assert.ok(compareHlc(result, previous) > 0);
        }),
      ),
    );
  });

  it('is always ahead of a timestamp it receives', () => {
    fc.assert(
      fc.property(steps, (history) =>
        run(history, (result, step) => {
          if (step.receive !== undefined) assert.ok(compareHlc(result, step.receive) > 0);
        }),
      ),
    );
  });

  it('never falls behind its physical clock nor runs ahead of every wall time it has seen', () => {
    fc.assert(
      fc.property(steps, (history) => {
        // A backward jump leaves the clock where it was, so the bound is the greatest wall time
        // seen so far (physical or received), not the current physical reading.
        let greatestSeen = -Infinity;
        run(history, (result, step) => {
          greatestSeen = Math.max(greatestSeen, step.physicalMs, step.receive?.wallMs ?? -Infinity);
          assert.ok(result.wallMs >= step.physicalMs);
          assert.ok(result.wallMs <= greatestSeen);
        });
      }),
    );
  });

  it('restarts the logical counter once the physical clock is ahead of every timestamp', () => {
    fc.assert(
      fc.property(steps, (history) =>
        run(history, (result, step, previous) => {
          const ahead =
            step.physicalMs > (previous?.wallMs ?? -Infinity) &&
            step.physicalMs > (step.receive?.wallMs ?? -Infinity);
          if (ahead) assert.deepEqual(result, { wallMs: step.physicalMs, logical: 0 });
        }),
      ),
    );
  });
});

describe('HybridLogicalClock', () => {
  it('follows the physical clock while it moves forward', () => {
    const { hlc, setPhysical } = clockAt(T0);
    assert.deepEqual(hlc.send(), { wallMs: T0, logical: 0 });
    assert.deepEqual(hlc.send(), { wallMs: T0, logical: 1 });
    setPhysical(T0 + 5);
    assert.deepEqual(hlc.send(), { wallMs: T0 + 5, logical: 0 });
  });

  it('keeps later sends ahead of a timestamp received from a node 30 s ahead', () => {
    const { hlc, setPhysical } = clockAt(T0);
    const remote = { wallMs: T0 + 30_000, logical: 4 };
    assert.deepEqual(hlc.receive(remote), { wallMs: T0 + 30_000, logical: 5 });
    setPhysical(T0 + 1_000);
    const next = hlc.send();
    assert.deepEqual(next, { wallMs: T0 + 30_000, logical: 6 });
    assert.ok(compareHlc(next, remote) > 0);
    setPhysical(T0 + 30_001);
    assert.deepEqual(hlc.send(), { wallMs: T0 + 30_001, logical: 0 });
  });

  it('counts on from its own timestamp when the physical clock jumps back', () => {
    const { hlc, setPhysical } = clockAt(T0);
    hlc.send();
    setPhysical(T0 - 60_000);
    assert.deepEqual(hlc.send(), { wallMs: T0, logical: 1 });
    assert.deepEqual(hlc.receive({ wallMs: T0 - 1, logical: 9 }), { wallMs: T0, logical: 2 });
  });

  it('takes the greater counter when its own and the received timestamp share the wall time', () => {
    const { hlc } = clockAt(T0);
    hlc.send();
    assert.deepEqual(hlc.receive({ wallMs: T0, logical: 7 }), { wallMs: T0, logical: 8 });
  });

  it('refuses a received timestamp that is not one', () => {
    const { hlc } = clockAt(T0);
    for (const remote of [
      { wallMs: Number.NaN, logical: 0 },
      { wallMs: T0 + 0.5, logical: 0 },
      { wallMs: T0, logical: -1 },
    ]) {
      assert.throws(() => hlc.receive(remote), RangeError);
    }
    assert.deepEqual(hlc.send(), { wallMs: T0, logical: 0 });
  });
});

describe('compareHlc', () => {
  it('orders by wallMs, then by logical', () => {
    assert.ok(compareHlc({ wallMs: 2, logical: 0 }, { wallMs: 1, logical: 9 }) > 0);
    assert.ok(compareHlc({ wallMs: 1, logical: 1 }, { wallMs: 1, logical: 2 }) < 0);
    assert.equal(compareHlc({ wallMs: 1, logical: 1 }, { wallMs: 1, logical: 1 }), 0);
  });
});

describe('encodeHlc / decodeHlc', () => {
  const storable = fc.record(
    {
      wallMs: fc.integer({ min: 0, max: 8_640_000_000_000_000 }),
      logical: fc.nat({ max: 9_999_999_999 }),
    },
    { noNullPrototype: true },
  );

  it('round-trips', () => {
    fc.assert(fc.property(storable, (t) => assert.deepEqual(decodeHlc(encodeHlc(t)), t)));
  });

  it('sorts as text the way compareHlc orders the timestamps', () => {
    fc.assert(
      fc.property(storable, storable, (a, b) => {
        const [x, y] = [encodeHlc(a), encodeHlc(b)];
        assert.equal(Math.sign(x < y ? -1 : x > y ? 1 : 0), Math.sign(compareHlc(a, b)));
      }),
    );
  });

  it('writes fixed-width digits', () => {
    assert.equal(encodeHlc({ wallMs: T0, logical: 3 }), '0001767225600000-0000000003');
  });

  it('refuses what it cannot represent and text it did not write', () => {
    assert.throws(() => encodeHlc({ wallMs: -1, logical: 0 }), RangeError);
    assert.throws(() => encodeHlc({ wallMs: T0, logical: 10_000_000_000 }), RangeError);
    for (const text of [
      '',
      '1767225600000-3',
      '0001767225600000-000000000x',
      '9999999999999999-0000000000',
    ]) {
      assert.throws(() => decodeHlc(text), RangeError, text);
    }
  });
});
