import type { ModuleMetadata, Type } from '@nestjs/common';
import type { ReadinessCheck } from './readiness';

/** What a service tells TelemetryModule.forRoot. */
export interface TelemetryOptions {
  /** The `service` label on the HTTP metrics and the `service` field of every log line. */
  service: string;
  /** Provider classes whose checks /ready runs; TelemetryModule instantiates them. */
  readiness?: Type<ReadinessCheck>[];
  /** Modules exporting what the readiness checks inject (e.g. a database pool). */
  imports?: ModuleMetadata['imports'];
}

export const TELEMETRY_OPTIONS = Symbol('TELEMETRY_OPTIONS');
