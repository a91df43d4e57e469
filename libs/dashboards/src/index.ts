/** Reading the Grafana dashboards (grafana/dashboards) for the tests that hold them to the metrics. */
export * from './dashboards';
