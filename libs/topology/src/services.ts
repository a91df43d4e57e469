import { DATABASE, HOST } from './model';

/** What a service's environment is built from: the ports of the topology it runs in. */
export interface ServiceEnvContext {
  linkPort(client: string, server: string): number;
}

/** A node that runs one of the project's apps. */
export interface ServiceSpec {
  node: string;
  app: string;
  /**
   * The app's environment, the same variables the Helm chart gives it (README,
   * "Services"); PORT and BIND_ADDRESS are added by the launcher.
   */
  env(ctx: ServiceEnvContext): Record<string, string>;
}

const otel = (service: string, node: string): Record<string, string> => ({
  OTEL_SERVICE_NAME: service,
  OTEL_RESOURCE_ATTRIBUTES: `service.instance.id=${node}`,
});

export const SERVICES: readonly ServiceSpec[] = [
  {
    node: 'payments-0',
    app: 'payments',
    env: (ctx) => ({
      ...otel('payments', 'payments-0'),
      // libpq's own variables, which `pg` reads; the connection goes through the node's link.
      PGHOST: HOST,
      PGPORT: String(ctx.linkPort('payments-0', 'pg-primary')),
      PGUSER: 'postgres',
      PGDATABASE: DATABASE,
      PAYMENTS_COMMIT_TIMEOUT_MS: '2000',
    }),
  },
];
