/** What every faultline service's process does at start: configuration and HTTP conventions. */
export * from './environment';
export * from './run-service';
export * from './service-environment';
