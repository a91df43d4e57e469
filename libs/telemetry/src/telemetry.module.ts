import {
  type DynamicModule,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnApplicationShutdown,
  RequestMethod,
} from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { HealthController } from './health.controller';
import { HttpServerMetrics } from './http-server-metrics';
import { loggerParams } from './logging';
import { MetricsController } from './metrics.controller';
import { MetricsRegistry } from './metrics-registry';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness';
import { RouteTrackingMiddleware } from './route-tracking.middleware';
import { TELEMETRY_OPTIONS, type TelemetryOptions } from './telemetry-options';
import { shutdownTracing } from './tracing';

/** Every path, including a global prefix's root (the form nestjs-pino uses too). */
const ALL_ROUTES = { path: '{/*splat}', method: RequestMethod.ALL };

/**
 * Metrics, logs, health and the end of tracing for one service; imported once by its root
 * module through forRoot.
 */
@Module({})
export class TelemetryModule implements NestModule, OnApplicationShutdown {
  static forRoot(options: TelemetryOptions): DynamicModule {
    const readiness = options.readiness ?? [];
    return {
      module: TelemetryModule,
      global: true,
      imports: [
        LoggerModule.forRoot(loggerParams(options.service)),
        TerminusModule.forRoot(),
        ...(options.imports ?? []),
      ],
      controllers: [MetricsController, HealthController],
      providers: [
        { provide: TELEMETRY_OPTIONS, useValue: options },
        MetricsRegistry,
        HttpServerMetrics,
        ...readiness,
        {
          provide: READINESS_CHECKS,
          useFactory: (...checks: ReadinessCheck[]) => checks,
          inject: readiness,
        },
      ],
      exports: [MetricsRegistry],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RouteTrackingMiddleware).forRoutes(ALL_ROUTES);
  }

  /**
   * Flushes spans once the app has closed: Nest runs this after its HTTP server stopped and
   * every module's destroy hooks ran, on app.close() or (with enableShutdownHooks) on
   * SIGTERM/SIGINT, before it re-raises the signal.
   */
  async onApplicationShutdown(): Promise<void> {
    await shutdownTracing();
  }
}
