/**
 * The only source of wall time for every faultline service, and a hybrid logical clock on it.
 *
 * - `ClockModule.forRoot({ node: 'payments-0' })` in the root module, next to TelemetryModule
 *   (global, so feature modules inject without importing it):
 *   - `Clock`: `now()` = system time + the injected offset (ms), `offsetMs`, `setOffset(ms)`
 *     (an integer within ±MAX_CLOCK_OFFSET_MS, 24 h) and `read()` → `{ wallMs, offsetMs }`.
 *   - `HybridLogicalClock` on `Clock.now`: `send()` for a local event or an outgoing message,
 *     `receive(remote)` for a timestamp received or read. Timestamps are `HlcTimestamp`
 *     `{ wallMs, logical }`, ordered by `compareHlc`; `encodeHlc`/`decodeHlc` turn them into
 *     fixed-width text that sorts the same way, for storage.
 *   - `GET /internal/time` → `{ wallMs, offsetMs }`, unauthenticated, to measure skew.
 *   - `PUT /internal/clock {"offsetMs": 30000}` with `Authorization: Bearer
 *     $FAULTLINE_ADMIN_TOKEN` → 200 `{ wallMs, offsetMs }`; 401 without the token, with a wrong
 *     one, or whenever FAULTLINE_ADMIN_TOKEN is unset; 400 naming `offsetMs` for anything but an
 *     integer within ±24 h (through the app's global ValidationPipe, see configureService).
 *   - `faultline_clock_offset_seconds{node}`, the offset in seconds, on the MetricsRegistry.
 */
export { Clock, type ClockReading, MAX_CLOCK_OFFSET_MS } from './clock';
export { ClockModule } from './clock.module';
export type { ClockOptions } from './clock-options';
export {
  assertHlcTimestamp,
  compareHlc,
  decodeHlc,
  encodeHlc,
  type HlcTimestamp,
} from './hlc-timestamp';
export { HybridLogicalClock, type PhysicalTime } from './hybrid-logical-clock';
