/** What every faultline service's process does at start: configuration and HTTP conventions. */
export * from './admin-token.guard';
export * from './environment';
export * from './run-service';
export * from './service-environment';
export * from './within';
