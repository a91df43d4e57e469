/** A drill as a scenario asks control for it. */
export interface ScenarioDrill {
  kind: string;
  target: string;
  params?: Record<string, unknown>;
}

/**
 * A scripted run: the drills start a quarter into the run and are healed three
 * quarters in, so the history has a before, a during and an after.
 */
export interface Scenario {
  name: string;
  lesson: string;
  drills: ScenarioDrill[];
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'cp-vs-ap',
    lesson:
      'Payments (CP) refuse to commit without a synchronous standby: expect 503s (indeterminate) and no money lost. ' +
      'The catalog (AP) keeps answering from a cut-off replica: expect stale reads on catalog-a, converging after heal.',
    drills: [
      { kind: 'partition', target: 'pg-primary' },
      { kind: 'partition', target: 'redis-1->redis-primary' },
    ],
  },
  {
    name: 'replication-lag',
    lesson:
      'Standbys apply late: PostgreSQL replay lag grows while byte lag stays small; catalog reads on the slowed replica go stale.',
    drills: [
      { kind: 'replication-delay', target: 'pg-1', params: { delayMs: 3_000 } },
      { kind: 'replication-delay', target: 'redis-1', params: { delayMs: 2_000 } },
    ],
  },
  {
    name: 'clock-skew-lww',
    lesson:
      "catalog-a's clock runs 30 s ahead. With wall-clock last-writer-wins, catalog-b's causally later writes lose (lost updates); " +
      'with hybrid logical clocks (CATALOG_ORDERING=hlc) they win.',
    drills: [{ kind: 'clock-skew', target: 'catalog-a', params: { offsetMs: 30_000 } }],
  },
  {
    name: 'kill-replica',
    lesson:
      'A Redis replica and a PostgreSQL standby die and come back: payments keep committing (ANY 1), catalog-a reads fail over to nothing ' +
      'until its replica is back and resynced.',
    drills: [
      { kind: 'kill', target: 'redis-1' },
      { kind: 'kill', target: 'pg-2' },
    ],
  },
  {
    name: 'kafka-outage',
    lesson:
      'Kafka is cut off from the orders service: orders keep being accepted (202, pending), their events wait in the outbox, ' +
      'and the sagas stall. After heal the backlog drains: every order ends confirmed or cancelled, no order is lost, ' +
      'no stock or money is taken twice or kept by a cancelled order.',
    drills: [{ kind: 'partition', target: 'kafka-0' }],
  },
];

export const scenarioNamed = (name: string): Scenario | undefined =>
  SCENARIOS.find((s) => s.name === name);
