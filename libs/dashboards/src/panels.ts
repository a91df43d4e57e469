/**
 * Rendering Grafana panels without Grafana: what the console needs to draw the dashboards'
 * panels from Prometheus's answers. Pure (no Node modules): the console bundles it.
 */
export * from './panels/display';
export * from './panels/drills';
export * from './panels/legend';
export * from './panels/model';
export * from './panels/queries';
export * from './panels/series';
export * from './panels/time';
export * from './panels/units';
