import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { HttpResult } from './http-client';

/** A request, the status it must get, and what its body must say. */
export type ExpectedAnswer = [
  name: string,
  request: () => Promise<HttpResult>,
  status: number,
  body: RegExp,
];

/** One test per case: the request is answered with exactly that status and a body matching. */
export function itAnswers(cases: ExpectedAnswer[]): void {
  for (const [name, request, status, body] of cases) {
    it(name, async () => {
      const res = await request();
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.match(JSON.stringify(res.body), body);
    });
  }
}
