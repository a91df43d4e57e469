/**
 * kafkajs 2.2.4's RequestQueue re-arms a timer of "throttledUntil - now" after every check,
 * whether or not a request is pending. On an idle connection that delay is negative, which
 * Node turns into 1 ms: a timer loop per connection for as long as it is open
 * (tulios/kafkajs#1704, #1751; unfixed upstream). It cost the orders service about 4 % of a
 * core while idle, and Node 24 warns about it (TimeoutNegativeWarning). With nothing pending
 * and no throttle in force there is nothing to check later: a request that has to wait is
 * pushed to the queue, which schedules its own check.
 */
interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  scheduleCheckPendingRequests(): void;
}

// An internal module of kafkajs (pinned in package.json); the test in libs/kafka/test fails
// if a new version moves or renames it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueueClass = require('kafkajs/src/network/requestQueue') as {
  prototype: RequestQueue;
};

const schedule = RequestQueueClass.prototype.scheduleCheckPendingRequests;
RequestQueueClass.prototype.scheduleCheckPendingRequests = function (this: RequestQueue): void {
  if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
  schedule.call(this);
};
