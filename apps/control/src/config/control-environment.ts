import {
  IsIn,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { SERVICE_URL } from '@faultline/service';

/** Where drills make their faults: the local topology's processes, or Kubernetes pods. */
export const FAULT_BACKEND_NAMES = ['local', 'kubernetes'] as const;
export type FaultBackendName = (typeof FAULT_BACKEND_NAMES)[number];

const URL_MESSAGE =
  (name: string) =>
  ({ value }: { value: unknown }): string =>
    `${name} must be an http(s) URL, not ${JSON.stringify(value)}`;

/** The control service's configuration, validated at start-up. */
export class ControlEnvironment {
  /**
   * The topology control works on: locally the state file (every node, link, pid and port);
   * in Kubernetes the topology map the Helm chart mounts (addresses and pod selectors).
   */
  @IsString()
  @IsNotEmpty()
  FAULTLINE_STATE_FILE!: string;

  /** Bearer token of the whole API (and of the services' /internal/clock). */
  @IsString()
  @IsNotEmpty()
  FAULTLINE_ADMIN_TOKEN!: string;

  /** Which FaultBackend makes the drills' faults; the Helm chart sets `kubernetes`. */
  @IsIn(FAULT_BACKEND_NAMES, {
    message: ({ value }) =>
      `FAULTLINE_FAULT_BACKEND must be ${FAULT_BACKEND_NAMES.join(' or ')}, not ${JSON.stringify(value)}`,
  })
  FAULTLINE_FAULT_BACKEND: FaultBackendName = 'local';

  /**
   * Kubernetes only: the ConfigMap a kill puts its hold in (the chart's `<release>-kill-holds`);
   * a killed node's pods wait at start while it holds their key.
   */
  @ValidateIf((env: ControlEnvironment) => env.FAULTLINE_FAULT_BACKEND === 'kubernetes')
  @Matches(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, {
    message: ({ value }) =>
      `FAULTLINE_KILL_HOLDS must name a ConfigMap when FAULTLINE_FAULT_BACKEND=kubernetes, not ${JSON.stringify(value)}`,
  })
  FAULTLINE_KILL_HOLDS?: string;

  /**
   * Where control keeps the datastores' roles after a failover; beside the state file by
   * default (the chart points it at a writable volume: its map is a read-only ConfigMap).
   */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  FAULTLINE_ROLES_FILE?: string;

  /**
   * Seconds the PostgreSQL primary may stay unreachable (through control's link
   * `control->pg-primary`) before control fails over to a standby; 0: never by itself, only on
   * the drill `failover pg`.
   */
  @IsNumber(
    { allowNaN: false, allowInfinity: false },
    {
      message: ({ value }) =>
        `PG_FAILOVER_AFTER must be a number of seconds, not ${JSON.stringify(value)}`,
    },
  )
  @Min(0, { message: 'PG_FAILOVER_AFTER must be 0 (never) or more seconds' })
  @Max(3600, { message: 'PG_FAILOVER_AFTER must be at most 3600 seconds' })
  PG_FAILOVER_AFTER: number = 3;

  /**
   * Kubernetes only: the ConfigMap control keeps the roles in (the chart's `<release>-roles`):
   * PostgreSQL pods read theirs at start, and a new control pod takes them back.
   */
  @ValidateIf((env: ControlEnvironment) => env.FAULTLINE_FAULT_BACKEND === 'kubernetes')
  @Matches(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, {
    message: ({ value }) =>
      `FAULTLINE_ROLES_CONFIGMAP must name a ConfigMap when FAULTLINE_FAULT_BACKEND=kubernetes, not ${JSON.stringify(value)}`,
  })
  FAULTLINE_ROLES_CONFIGMAP?: string;

  /**
   * Prometheus's base URL, which the console's dashboards query through control
   * (`/prometheus/api/v1/…`); unset: those queries answer 503 with the reason.
   */
  @IsOptional()
  @IsUrl(SERVICE_URL, { message: URL_MESSAGE('FAULTLINE_PROMETHEUS_URL') })
  FAULTLINE_PROMETHEUS_URL?: string;

  /**
   * Where a user's browser opens the trace UI (Zipkin's `…/zipkin`): the console links each
   * anomaly example's trace there. Unset: the console shows trace ids without links.
   */
  @IsOptional()
  @IsUrl(SERVICE_URL, { message: URL_MESSAGE('FAULTLINE_TRACES_URL') })
  FAULTLINE_TRACES_URL?: string;

  /** Who the observer and replication-delay drills log in to PostgreSQL as (`pg` reads both). */
  @IsOptional()
  @IsString()
  PGUSER?: string;

  @IsOptional()
  @IsString()
  PGPASSWORD?: string;
}
