import type { CheckerResult, Verdict } from '@faultline/history';
import type { DrillRequest } from '../control/drills';
import type { LockMode } from '../ledger/ledger';

/** The scenarios the workload can run (their scripts are in apps/workload/src/scenarios). */
export const SCENARIO_NAMES = [
  'baseline',
  'cp-vs-ap',
  'replication-lag',
  'clock-skew-lww',
  'kill-replica',
  'pg-failover',
  'pg-failover-async',
  'redis-split-brain',
  'kafka-outage',
  // The quorum lab's (`faultline up --lab quorum`).
  'quorum',
  'ring-skew-lww',
  'hinted-handoff',
  // The consensus lab's (`faultline up --lab consensus`).
  'lock-pause',
  'raft-partition',
  'raft-minority',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export const MIN_DURATION_SECONDS = 8;
export const MAX_DURATION_SECONDS = 3_600;
export const DEFAULT_DURATION_SECONDS = 60;
/** A run's seed is an unsigned 32-bit integer: 0 to MAX_SEED. */
export const MAX_SEED = 2 ** 32 - 1;

/** `POST /runs` (workload, or control which passes it on). */
export interface RunRequest {
  /** One of SCENARIO_NAMES. */
  scenario: string;
  /** Omitted: DEFAULT_DURATION_SECONDS. */
  durationSeconds?: number;
  /** The seed of the run's operation generators (0 to MAX_SEED); omitted: a random one. */
  seed?: number;
  /** lock-pause only: the lock the ledger's writers take; omitted: DEFAULT_LOCK_MODE. */
  lock?: LockMode;
}

/** The lock a lock-pause run takes when the request names none: the one that fails first. */
export const DEFAULT_LOCK_MODE: LockMode = 'redlock';

export const RUN_PHASES = [
  'setting-up',
  'running',
  'drills-active',
  'healed',
  'converging',
  'checking',
  'done',
  'failed',
] as const;
export type RunPhase = (typeof RUN_PHASES)[number];

/** A drill as a scenario asks control for it. */
export interface ScenarioDrill extends Omit<DrillRequest, 'ttlSeconds'> {
  /** Seconds to wait after the previous drill started (0: at once). */
  afterSeconds?: number;
}

/** The services a scenario's clients call. */
export type ServiceName = 'payments' | 'catalog' | 'orders' | 'carts' | 'ledger';

/** What each service's clients saw: completions by type, and the share answered ok. */
export interface ServiceOutcomes {
  ok: number;
  fail: number;
  info: number;
  availability: number;
}

/** A scenario report: what ran, what each checker found, and the verdict. */
export interface Report {
  id: string;
  scenario: string;
  lesson: string;
  startedAt: string;
  endedAt: string;
  durationSeconds: number;
  /** The seed the run's operations were generated from (absent in reports written before seeds). */
  seed?: number;
  drills: ScenarioDrill[];
  verdict: Verdict;
  results: CheckerResult[];
  /** The services the run's clients called (a lab's scenario calls only its own). */
  services: Partial<Record<ServiceName, ServiceOutcomes>>;
  historyFile: string;
  /** How the topology was started (settings that change what a scenario shows). */
  settings: Record<string, string | number>;
  /** The run of the same scenario before this one, for a side-by-side comparison. */
  previous?: Pick<Report, 'id' | 'startedAt' | 'verdict' | 'settings'> & {
    anomalies: Record<string, Record<string, number>>;
  };
}

/** `GET /reports/:id`: the report and its Markdown rendering. */
export interface ReportView extends Report {
  markdown?: string;
}

/** `GET /reports`: newest first. */
export interface ReportSummary {
  id: string;
  scenario: string;
  verdict: Verdict;
  startedAt: string;
  endedAt: string;
}

/** A run as `POST /runs` and `GET /runs/:id` answer it; the report once it is done. */
export interface RunView {
  id: string;
  scenario: ScenarioName;
  durationSeconds: number;
  /** The seed the run generates its operations from: the one asked for, or one it picked. */
  seed: number;
  startedAt: string;
  phase: RunPhase;
  /** Operations recorded in the history so far. */
  ops: number;
  error?: string;
  verdict?: Verdict;
  report?: Report;
}
