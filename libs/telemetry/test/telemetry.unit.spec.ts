import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prefersOpenMetrics, toPrometheusText } from '../src/exposition-format';
import { isOperationalRequest } from '../src/operational-endpoints';
import { traceExportConfigured } from '../src/tracing';

describe('prefersOpenMetrics', () => {
  it('is true when the scraper ranks OpenMetrics at least as high as plain text', () => {
    assert.equal(prefersOpenMetrics('application/openmetrics-text; version=1.0.0'), true);
    // Prometheus 3 with exemplar storage.
    assert.equal(
      prefersOpenMetrics(
        'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,' +
          'application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.2,*/*;q=0.1',
      ),
      true,
    );
  });

  it('is false without an Accept header, for plain text and for a refused OpenMetrics', () => {
    assert.equal(prefersOpenMetrics(undefined), false);
    assert.equal(prefersOpenMetrics('*/*'), false);
    assert.equal(prefersOpenMetrics('text/plain;version=0.0.4'), false);
    assert.equal(prefersOpenMetrics('text/plain, application/openmetrics-text;q=0.5'), false);
    assert.equal(prefersOpenMetrics('application/openmetrics-text;q=0'), false);
  });
});

describe('toPrometheusText', () => {
  it('drops exemplars and # EOF and names counters after their _total sample', () => {
    const openMetrics = [
      '# HELP jobs Jobs done.',
      '# TYPE jobs counter',
      'jobs_total{kind="a"} 3',
      '# HELP latency_seconds Latency.',
      '# TYPE latency_seconds histogram',
      'latency_seconds_bucket{le="0.1",path="/a # {b}"} 1 # {trace_id="0af7651916cd43dd8448eb211c80319c"} 0.05 1700000000.123',
      'latency_seconds_bucket{le="+Inf",path="/a # {b}"} 1',
      'latency_seconds_sum{path="/a # {b}"} 0.05',
      'latency_seconds_count{path="/a # {b}"} 1',
      '# HELP up Up.',
      '# TYPE up gauge',
      'up 1',
      '# EOF',
      '',
    ].join('\n');
    assert.equal(
      toPrometheusText(openMetrics),
      [
        '# HELP jobs_total Jobs done.',
        '# TYPE jobs_total counter',
        'jobs_total{kind="a"} 3',
        '# HELP latency_seconds Latency.',
        '# TYPE latency_seconds histogram',
        'latency_seconds_bucket{le="0.1",path="/a # {b}"} 1',
        'latency_seconds_bucket{le="+Inf",path="/a # {b}"} 1',
        'latency_seconds_sum{path="/a # {b}"} 0.05',
        'latency_seconds_count{path="/a # {b}"} 1',
        '# HELP up Up.',
        '# TYPE up gauge',
        'up 1',
        '',
      ].join('\n'),
    );
  });
});

it('isOperationalRequest matches /metrics, /health and /ready, with or without a query', () => {
  for (const url of ['/metrics', '/health', '/ready', '/ready?verbose=1']) {
    assert.equal(isOperationalRequest(url), true, url);
  }
  for (const url of ['/items/1', '/metrics/x', '/readyz', undefined]) {
    assert.equal(isOperationalRequest(url), false, url);
  }
});

it('traceExportConfigured follows the OTLP endpoint variables, or the Zipkin exporter', () => {
  assert.equal(traceExportConfigured({}), false);
  assert.equal(traceExportConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }), false);
  assert.equal(traceExportConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }), true);
  assert.equal(
    traceExportConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' }),
    true,
  );
  const zipkin = 'http://127.0.0.1:9411/api/v2/spans';
  assert.equal(traceExportConfigured({ OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin }), false);
  assert.equal(traceExportConfigured({ OTEL_TRACES_EXPORTER: 'zipkin' }), false);
  assert.equal(
    traceExportConfigured({
      OTEL_TRACES_EXPORTER: 'zipkin',
      OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin,
    }),
    true,
  );
});
