import type { Response } from 'express';
import type { RecordedResponse } from './idempotency-store';

/** Sends a recorded response with its own status; a replay is marked so clients can tell. */
export function respondWith(res: Response, recorded: RecordedResponse): unknown {
  res.status(recorded.status);
  if (recorded.replayed) res.setHeader('Idempotent-Replayed', 'true');
  return recorded.body;
}
