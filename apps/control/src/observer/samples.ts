/** One series of a gauge, as the pure parts of the observer compute it. */
export interface Sample<L extends string> {
  labels: Record<L, string>;
  value: number;
}
