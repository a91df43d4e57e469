export * from './eventually';
export * from './http-client';
export * from './otlp-receiver';
export * from './answers';
export * from './port-open';
export * from './supervised-topology';
export * from './scenario-bench';
export * from './dashboard-answers';
