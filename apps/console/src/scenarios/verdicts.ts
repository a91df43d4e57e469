import type { Report } from '@faultline/contracts';
import type { Op } from '@faultline/history';
import { el } from '../dom';

type CheckerResult = Report['results'][number];

const validity = (result: CheckerResult): string =>
  result.valid === true ? 'valid' : result.valid === false ? 'invalid' : 'unknown';

/** An op of an example, one line, with its trace linked to the trace UI when there is one. */
function opLine(op: Op, tracesUrl: string | undefined): HTMLElement {
  const { trace, ...rest } = op;
  return el(
    'li',
    {},
    el('code', {}, JSON.stringify(rest)),
    trace
      ? tracesUrl
        ? el(
            'a',
            {
              class: 'trace',
              href: `${tracesUrl}/traces/${trace}`,
              target: '_blank',
              rel: 'noopener',
            },
            ' trace ↗',
          )
        : el(
            'span',
            { class: 'trace', title: 'no trace UI configured (FAULTLINE_TRACES_URL)' },
            ` trace ${trace}`,
          )
      : null,
  );
}

/** Each checker's verdict, anomalies and examples; an example's ops link to their traces. */
export function verdictCards(report: Report, tracesUrl: string | undefined): HTMLElement {
  return el(
    'div',
    { class: 'verdicts' },
    ...report.results.map((result) =>
      el(
        'article',
        { class: 'verdict', 'data-checker': result.checker, 'data-valid': validity(result) },
        el('h4', {}, `${result.checker}: ${validity(result)}`),
        el(
          'p',
          {},
          Object.keys(result.anomalies).length
            ? Object.entries(result.anomalies)
                .map(([anomaly, n]) => `${anomaly} × ${n}`)
                .join(', ')
            : 'No anomalies.',
        ),
        ...result.examples.map((ops, i) =>
          el(
            'details',
            { class: 'example' },
            el('summary', {}, `Example: ${result.exampleAnomalies[i] ?? 'anomaly'}`),
            el('ul', {}, ...ops.map((op) => opLine(op, tracesUrl))),
          ),
        ),
      ),
    ),
  );
}
