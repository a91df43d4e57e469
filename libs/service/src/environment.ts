import { plainToInstance } from 'class-transformer';
import { type IsUrl, validateSync } from 'class-validator';

/**
 * `@IsUrl(SERVICE_URL)`: a URL a service is configured with. Cluster-internal names
 * (`faultline-prometheus`) have no top-level domain, and local ones are an address.
 */
export const SERVICE_URL: Parameters<typeof IsUrl>[0] = {
  protocols: ['http', 'https'],
  require_protocol: true,
  require_tld: false,
};

/**
 * Validates the process environment against a class of class-validator rules, at
 * start-up: a service with bad configuration exits at once with every problem named,
 * instead of failing on its first request.
 */
export function validateEnvironment<T extends object>(
  schema: new () => T,
  env: Record<string, unknown>,
): T {
  const config = plainToInstance(schema, env, { enableImplicitConversion: true });
  const errors = validateSync(config, { whitelist: false, skipMissingProperties: false });
  if (errors.length > 0) {
    const problems = errors.flatMap((e) => Object.values(e.constraints ?? {}));
    throw new Error(`invalid configuration: ${problems.join('; ')}`);
  }
  return config;
}
