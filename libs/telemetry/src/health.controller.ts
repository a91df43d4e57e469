import { Controller, Get, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  HealthCheck,
  type HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { READINESS_CHECKS, READINESS_TIMEOUT_MS, type ReadinessCheck } from './readiness';

/** Kubernetes probes: /health (liveness) and /ready (readiness). */
@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
  ) {}

  /** Alive as long as the process answers; dependencies do not matter here. */
  @Get('health')
  @HealthCheck()
  liveness(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /** 200 when every readiness check passes; 503 naming each failed check and why otherwise. */
  @Get('ready')
  @HealthCheck()
  readiness(): Promise<HealthCheckResult> {
    return this.health.check(
      this.checks.map(
        (readiness) => () =>
          this.indicators
            .check(readiness.name)
            .attempt(({ signal }) => readiness.check(signal))
            .withTimeout(READINESS_TIMEOUT_MS),
      ),
    );
  }
}
