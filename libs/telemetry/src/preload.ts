/**
 * Loaded first by `bin/service.js <app>` (or `node --require <this file> <app main.js>`) so the
 * SDK is running before the app requires http, pg, ioredis, kafkajs or Nest.
 */
import { startTracing } from './tracing';

startTracing();
