import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Report } from '@faultline/contracts';
import type { Op } from '@faultline/history';
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

  it('lists the trace ids of an example under it, and no such line for an untraced one', () => {
    const [a, b] = ['0af7651916cd43dd8448eb211c80319c', '4bf92f3577b34da6a3ce929d0e0e4736'];
    const op = (index: number, type: Op['type'], trace?: string): Op => ({
      index,
      process: 'catalog-a-reader',
      type,
      f: 'read',
      value: null,
      time: index,
      ...(trace === undefined ? {} : { trace }),
    });
    const result = (checker: string, example: Op[]): Report['results'][number] => ({
      checker,
      valid: false,
      anomalies: { 'stale-read': 1 },
      stats: {},
      examples: [example],
      exampleAnomalies: ['stale-read'],
    });
    const markdown = renderMarkdown({
      ...report(),
      results: [
        result('staleness', [
          op(0, 'invoke', a),
          op(1, 'ok', a),
          op(2, 'invoke', b),
          op(3, 'ok', b),
        ]),
        result('lost-updates', [op(4, 'invoke'), op(5, 'ok')]),
      ],
    });
    const examples = markdown.split('### ').slice(1);
    assert.match(
      examples[0]!,
      /\n```\n\nTraces: `0af7651916cd43dd8448eb211c80319c`, `4bf92f3577b34da6a3ce929d0e0e4736`\n\n$/,
    );
    assert.equal(markdown.match(/Traces:/g)?.length, 1);
    assert.match(examples[1]!, /\n```\n\n$/);
  });
});
