/** Grafana's units, for the ones faultline's dashboards use: a value as a panel writes it. */

/** A number with `decimals` decimals, or with three significant digits (trailing zeros dropped). */
function fixed(value: number, decimals: number | undefined): string {
  if (decimals !== undefined) return value.toFixed(decimals);
  if (Number.isInteger(value)) return String(value);
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  return String(Number(value.toFixed(Math.max(0, 2 - magnitude))));
}

/** A value scaled by the largest of `prefixes` (each `base` times the last) that keeps it ≥ 1. */
function scaled(base: number, prefixes: string[], suffix: string) {
  return (value: number, decimals: number | undefined): string => {
    let step = 0;
    while (step < prefixes.length - 1 && Math.abs(value) >= base ** (step + 1)) step++;
    return `${fixed(value / base ** step, decimals)} ${prefixes[step]}${suffix}`.trimEnd();
  };
}

const SI = ['', 'k', 'M', 'G', 'T', 'P'];

/** Time units, each in seconds, smallest first. */
const TIME: [string, number][] = [
  ['ns', 1e-9],
  ['µs', 1e-6],
  ['ms', 1e-3],
  ['s', 1],
  ['min', 60],
  ['hour', 3_600],
  ['day', 86_400],
  ['week', 604_800],
];

/** A duration of `seconds`, in the largest time unit that keeps it ≥ 1 (zero: in `zeroUnit`). */
function duration(seconds: number, decimals: number | undefined, zeroUnit: string): string {
  if (seconds === 0) return `${fixed(0, decimals)} ${zeroUnit}`;
  const [unit, size] = TIME.findLast(([, size]) => Math.abs(seconds) >= size) ?? TIME[0]!;
  return `${fixed(seconds / size, decimals)} ${unit}`;
}

type Format = (value: number, decimals: number | undefined) => string;

const UNITS: Record<string, Format> = {
  none: fixed,
  short: scaled(1000, SI, ''),
  percentunit: (v, d) => `${fixed(v * 100, d)}%`,
  s: (v, d) => duration(v, d, 's'),
  ms: (v, d) => duration(v / 1000, d, 'ms'),
  // Grafana's `bytes` are IEC (1024), its `Bps` SI.
  bytes: scaled(1024, ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'], ''),
  Bps: scaled(1000, SI, 'B/s'),
  ops: scaled(1000, SI, 'ops/s'),
  reqps: scaled(1000, SI, 'req/s'),
};

/** Whether formatValue knows `unit` (no unit at all is Grafana's `none`). */
export const isKnownUnit = (unit: string | undefined): boolean =>
  unit === undefined || Object.hasOwn(UNITS, unit);

/**
 * `value` in `unit` (Grafana's unit ids: `s`, `bytes`, `reqps`…) with `decimals` decimals, or
 * three significant digits. Throws for a unit it does not know rather than show a bare number.
 */
export function formatValue(value: number, unit: string | undefined, decimals?: number): string {
  const format = UNITS[unit ?? 'none'];
  if (!format) throw new Error(`unit "${unit}" is not supported by the console`);
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : value < 0 ? '-Inf' : 'NaN';
  return format(value, decimals);
}
