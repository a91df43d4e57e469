import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import '../src/idle-request-queue';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueue = require('kafkajs/src/network/requestQueue') as new (options: object) => {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  scheduleCheckPendingRequests(): void;
};

const queue = () =>
  new RequestQueue({
    instrumentationEmitter: { emit: () => undefined },
    maxInFlightRequests: null,
    requestTimeout: 1_000,
    enforceRequestTimeout: false,
    clientId: 'test',
    broker: 'test',
    logger: { debug: () => undefined, warn: () => undefined, error: () => undefined },
    isConnected: () => true,
  });

describe("kafkajs's request queue", () => {
  it('arms no timer on an idle connection (kafkajs alone re-arms a 1 ms one forever)', () => {
    const idle = queue();
    idle.scheduleCheckPendingRequests();
    assert.equal(idle.throttleCheckTimeoutId ?? null, null);
  });

  it('still checks later while throttled or with requests pending', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const throttled = queue();
      throttled.throttledUntil = Date.now() + 500;
      throttled.scheduleCheckPendingRequests();
      assert.notEqual(throttled.throttleCheckTimeoutId ?? null, null);
      const waiting = queue();
      waiting.pending.push({});
      waiting.scheduleCheckPendingRequests();
      assert.notEqual(waiting.throttleCheckTimeoutId ?? null, null);
    } finally {
      mock.timers.reset();
    }
  });
});
