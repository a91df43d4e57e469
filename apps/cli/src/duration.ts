import { UsageError } from './usage-error';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
export type DurationUnit = keyof typeof UNIT_MS;

/** How every duration flag reads, for the help. */
export const DURATIONS =
  'Durations take ms, s, m or h; a bare number is milliseconds, but seconds for --for and --duration.';

const DURATION = /^(-?)(\d+(?:\.\d+)?)(ms|s|m|h)?$/;

/**
 * The milliseconds in a duration such as `300ms`, `2s`, `1.5m` or `-5s`; a bare number is in
 * `bareUnit`. Undefined when the text is no duration or not a whole number of milliseconds.
 */
export function parseDuration(text: string, bareUnit: DurationUnit): number | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const [, sign, amount, unit] = match;
  const ms = Number(amount) * UNIT_MS[(unit ?? bareUnit) as DurationUnit];
  const whole = Math.round(ms);
  // Decimal fractions are inexact in binary (1.1 * 1000 is 1100.0000000000002): compare loosely.
  if (!Number.isSafeInteger(whole) || Math.abs(ms - whole) > 1e-6) return undefined;
  return sign && whole !== 0 ? -whole : whole;
}

/** A duration flag's milliseconds; a usage error naming the flag when it is not one. */
export function flagDuration(
  flag: string,
  text: string,
  bareUnit: DurationUnit,
  signed: boolean,
): number {
  const ms = parseDuration(text, bareUnit);
  if (ms === undefined) {
    throw new UsageError(`--${flag} ${text} is not a duration (e.g. 300ms, 30s, 5m, 1h)`);
  }
  if (ms < 0 && !signed) throw new UsageError(`--${flag} ${text} must not be negative`);
  return ms;
}
