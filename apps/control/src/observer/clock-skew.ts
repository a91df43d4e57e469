/**
 * NTP-style skew of a remote clock against the local one: the remote read its clock (wallMs)
 * somewhere between the local readings t0 (request sent) and t1 (answer received); assuming the
 * middle corrects for half the round trip. Positive = the remote is ahead. In seconds.
 */
export function clockSkewSeconds(t0Ms: number, remoteWallMs: number, t1Ms: number): number {
  return (remoteWallMs - (t0Ms + t1Ms) / 2) / 1000;
}

/** The wallMs of a GET /internal/time answer ({wallMs, offsetMs}); throws on anything else. */
export function readWallMs(body: unknown): number {
  const wallMs = (body as { wallMs?: unknown } | null)?.wallMs;
  if (typeof wallMs !== 'number' || !Number.isFinite(wallMs)) {
    throw new Error(`/internal/time answered without a numeric wallMs: ${JSON.stringify(body)}`);
  }
  return wallMs;
}
