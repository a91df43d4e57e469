/**
 * Preloaded with `node --require <repo>/dist/libs/telemetry/src/preload.js <app main.js>` so the
 * SDK is running before the app requires http, pg, ioredis, kafkajs or Nest.
 */
import { startTracing } from './tracing';

startTracing();
