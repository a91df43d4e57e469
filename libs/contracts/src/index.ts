// The APIs' types and constants, free of decorators so that a client (the CLI) loads fast;
// the validated DTO classes the services and their OpenAPI documents use are in ./dto.
export * from './carts/carts';
export * from './control/console';
export * from './control/control-api-client';
export * from './control/drills';
export * from './ledger/ledger';
export * from './workload/runs';
export { MAX_AMOUNT } from './payments/money';
