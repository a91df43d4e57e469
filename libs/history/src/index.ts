/**
 * Operation histories and the checkers that judge them (Jepsen-style).
 *
 * - `HistoryRecorder` records a history: `invoke(process, f, value)` then `ok`/`fail`/`info`
 *   (or `complete(op, type, value, {node, error, trace})`, `trace` being the W3C trace id of the
 *   requests made, on the invoke too); each op gets its index and monotonic time (ns); optionally
 *   streamed as JSON Lines to a file (`flush()`, `close()`).
 * - `parseHistory(text)` / `readHistory(file)` / `formatHistory(ops)`: JSON Lines.
 * - `pairs(history)`: every invoke with its completion (none if the run ended first = info).
 * - `OPERATIONS`: the operation names (`Op.f`) the workload records and the checkers match on;
 *   the request and answer of each are the payload types exported with it.
 * - Checkers, pure functions over a history returning a `CheckerResult`
 *   `{checker, valid: true|false|'unknown', anomalies, stats, examples, exampleAnomalies}`:
 *   `checkBank(h, {total})`, `checkPayments(h)`, `checkStaleness(h, {convergenceLimitSeconds})`,
 *   `checkLostUpdates(h)`, `checkSaga(h)`; `checkAll(h, opts)` runs them and `verdict(results)`
 *   sums them up. The quorum lab's cart checkers, `checkStaleCarts(h, {replicationFactor})`,
 *   `checkCartConvergence(h, {convergenceLimitSeconds})` and `checkCartLww(h)`, run only when
 *   named (`CART_CHECKERS`); so does the consensus lab's `checkLockSafety(h)` (`CONSENSUS_CHECKERS`). The longer ones are composed from small named checks (compose.ts, as Jepsen's
 *   `checker/compose`).
 */
export {
  type CompletionType,
  formatHistory,
  type History,
  HistoryRecorder,
  type HistoryRecorderOptions,
  type MonotonicTime,
  monotonicNanos,
  type Op,
  type OpExtra,
  type OpType,
  outcome,
  type Pair,
  pairs,
  parseHistory,
  readHistory,
} from './history';
export {
  type CheckerResult,
  MAX_EXAMPLES,
  type StatValue,
  type Validity,
  type Verdict,
  verdict,
} from './checker-result';
export { CART_CONSISTENCIES, type Operation, OPERATIONS, replicasFor } from './operations';
export type {
  CartAddRequest,
  CartConsistency,
  CartFinalReadRequest,
  CartReadOk,
  CartReadRequest,
  CartReplaceRequest,
  CartUnavailable,
  CartWriteOk,
  CatalogReadOk,
  CatalogReadRequest,
  CatalogWriteOk,
  CatalogWriteRejected,
  CatalogWriteRequest,
  DrillOk,
  DrillRequest,
  FinalOrder,
  FinalOrderEffectsOk,
  FinalOrdersOk,
  FinalPaymentsOk,
  FinalReadOk,
  LedgerAppendOk,
  LedgerAppendRejected,
  LedgerAppendRequest,
  LedgerEntry,
  LedgerFinalReadOk,
  LedgerRejection,
  OrderItem,
  OrderOk,
  OrderRequest,
  OrderState,
  PayOk,
  PayRequest,
  ReadBalancesOk,
  ReadConsistency,
  RaftStatusOk,
  RaftStatusRequest,
  RegisterReadOk,
  RegisterReadRequest,
  RegisterWriteRequest,
  TransferOk,
  TransferRequest,
  WriteTimestamp,
} from './operations';
export { type BankOptions, checkBank } from './checkers/bank';
export { checkPayments } from './checkers/payments';
export { checkStaleness, type StalenessOptions } from './checkers/staleness';
export { checkLostUpdates } from './checkers/lost-updates';
export { checkSaga } from './checkers/saga';
export { type CartStalenessOptions, checkStaleCarts } from './checkers/carts/staleness';
export { type CartConvergenceOptions, checkCartConvergence } from './checkers/carts/convergence';
export { checkCartLww } from './checkers/carts/lww';
export { checkLockSafety, type LockSafetyAnomaly } from './checkers/lock-safety';
export { checkRaftMajority, type RaftMajorityAnomaly } from './checkers/raft-majority';
export {
  checkRegisterLinearizability,
  type RegisterLinearizabilityOptions,
} from './checkers/register-linearizability';
export {
  CART_CHECKERS,
  CONSENSUS_CHECKERS,
  type CheckAllOptions,
  checkAll,
  type CheckerName,
  CHECKERS,
} from './check-all';
