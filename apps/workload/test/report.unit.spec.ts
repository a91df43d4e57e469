import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Report } from '@faultline/contracts';
import { renderMarkdown } from '../src/reports/report';

const report = (seed?: number): Report => ({
  id: '00000000-0000-4000-8000-000000000000',
  scenario: 'cp-vs-ap',
  lesson: 'A lesson.',
  startedAt: '2026-01-01T00:00:00.000Z',
  endedAt: '2026-01-01T00:01:00.000Z',
  durationSeconds: 60,
  ...(seed === undefined ? {} : { seed }),
  drills: [],
  verdict: 'valid',
  results: [],
  services: {
    payments: { ok: 1, fail: 0, info: 0, availability: 1 },
    catalog: { ok: 1, fail: 0, info: 0, availability: 1 },
    orders: { ok: 1, fail: 0, info: 0, availability: 1 },
  },
  historyFile: '/tmp/h.jsonl',
  settings: {},
});

describe('the report', () => {
  it('prints the seed and the command that replays the run', () => {
    assert.match(
      renderMarkdown(report(4_294_967_295)),
      /Seed 4294967295: replay this run with `faultline scenario run cp-vs-ap --seed 4294967295`/,
    );
  });

  it('says nothing of a seed for a report written before seeds', () => {
    assert.doesNotMatch(renderMarkdown(report()), /seed/i);
  });
});
