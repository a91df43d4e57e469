import {
  type ConsoleSettings,
  DEFAULT_DURATION_SECONDS,
  MAX_DURATION_SECONDS,
  MAX_SEED,
  MIN_DURATION_SECONDS,
  type ReportSummary,
  type RunView,
  SCENARIO_NAMES,
} from '@faultline/contracts';
import type { ControlConnection } from '../control-connection';
import { el } from '../dom';
import { markdownElement } from '../markdown';
import { Polling } from '../polling';
import type { ConsoleView } from '../view';
import { verdictCards } from './verdicts';

const RUN_KEY = 'faultline.run';
const FINISHED = new Set(['done', 'failed']);

/** Elapsed share of the run's duration; the checking phases after it show as full. */
const progressOf = (run: RunView): number =>
  FINISHED.has(run.phase)
    ? 1
    : Math.min(1, (Date.now() - Date.parse(run.startedAt)) / 1000 / run.durationSeconds);

/**
 * Scenarios: run one and follow it (phase, operations, time), then read its report: the
 * verdict of each checker with its examples (linked to their traces), and the Markdown the
 * CLI prints. Past reports are listed; `#scenarios/<id>` opens one.
 */
export function scenarioView(
  control: ControlConnection,
  settings: () => ConsoleSettings | undefined,
): ConsoleView {
  const scenario = el(
    'select',
    { name: 'scenario', 'aria-label': 'scenario' },
    ...SCENARIO_NAMES.map((s) => el('option', { value: s }, s)),
  );
  const duration = el('input', {
    type: 'number',
    name: 'durationSeconds',
    min: MIN_DURATION_SECONDS,
    max: MAX_DURATION_SECONDS,
    step: 1,
    value: DEFAULT_DURATION_SECONDS,
    'aria-label': 'duration in seconds',
  });
  const seed = el('input', {
    type: 'number',
    name: 'seed',
    min: 0,
    max: MAX_SEED,
    step: 1,
    placeholder: 'random',
    'aria-label': 'seed',
  });
  const message = el('p', { class: 'form-message', role: 'alert' });
  const form = el(
    'form',
    { class: 'run-form', id: 'run-form' },
    el('h3', {}, 'Run a scenario'),
    el('label', {}, 'scenario ', scenario),
    el('label', {}, 'duration (s) ', duration),
    el('label', {}, 'seed ', seed),
    el('button', { type: 'submit' }, 'Run'),
    message,
  );
  const progress = el('section', { class: 'run-progress' });
  const reports = el('section', { class: 'report-list' });
  const report = el('section', { class: 'report' });
  let shownReport: string | undefined;

  const followRun: Polling = new Polling(
    async () => {
      const id = sessionStorage.getItem(RUN_KEY);
      if (!id) {
        followRun.stop();
        return;
      }
      const run = await control.api.run(id);
      progress.replaceChildren(
        el('h3', {}, `Run ${run.id}: ${run.scenario}`),
        el('progress', { max: 1, value: progressOf(run) }),
        el(
          'p',
          { 'data-phase': run.phase },
          `${run.phase} · ${run.ops} operations · seed ${run.seed}${run.error ? ` · ${run.error}` : ''}`,
        ),
      );
      if (!FINISHED.has(run.phase)) return;
      sessionStorage.removeItem(RUN_KEY);
      followRun.stop();
      listReports.now();
      if (run.phase === 'done') location.hash = `#scenarios/${encodeURIComponent(run.id)}`;
    },
    1_000,
    (err) => (message.textContent = err.message),
  );

  const listReports = new Polling(
    async () => {
      const summaries: ReportSummary[] = await control.api.reports();
      reports.replaceChildren(
        el('h3', {}, 'Reports'),
        summaries.length
          ? el(
              'ul',
              {},
              ...summaries
                .slice(0, 30)
                .map((r) =>
                  el(
                    'li',
                    { 'data-report': r.id, 'data-verdict': r.verdict },
                    el('a', { href: `#scenarios/${encodeURIComponent(r.id)}` }, r.scenario),
                    ` ${r.verdict} · ${new Date(r.startedAt).toLocaleString()}`,
                  ),
                ),
            )
          : el('p', { class: 'quiet' }, 'No scenario has run yet.'),
      );
    },
    5_000,
    (err) => (message.textContent = err.message),
  );

  async function showReport(id: string): Promise<void> {
    if (shownReport === id) return;
    shownReport = id;
    report.replaceChildren(el('p', { class: 'quiet' }, `Loading report ${id}…`));
    try {
      const view = await control.api.report(id);
      report.replaceChildren(
        el(
          'h2',
          { 'data-report': view.id, 'data-verdict': view.verdict },
          `${view.scenario}: ${view.verdict}`,
        ),
        el('p', {}, view.lesson),
        verdictCards(view, settings()?.tracesUrl),
        el('h3', {}, 'The report'),
        markdownElement(view.markdown ?? '(this report has no Markdown)'),
      );
    } catch (err) {
      shownReport = undefined;
      report.replaceChildren(
        el('p', { class: 'view-error', role: 'alert' }, (err as Error).message),
      );
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    message.textContent = '';
    control.api
      .startRun({
        scenario: scenario.value,
        durationSeconds: Number(duration.value),
        ...(seed.value === '' ? {} : { seed: Number(seed.value) }),
      })
      .then((run) => {
        sessionStorage.setItem(RUN_KEY, run.id);
        followRun.start();
      })
      .catch((err: Error) => (message.textContent = err.message));
  });

  return {
    name: 'scenarios',
    title: 'Scenarios',
    element: el(
      'section',
      { class: 'view scenario-view' },
      el('div', { class: 'scenario-layout' }, el('aside', {}, form, progress, reports), report),
    ),
    show(route) {
      listReports.start();
      if (sessionStorage.getItem(RUN_KEY)) followRun.start();
      if (route[0]) void showReport(decodeURIComponent(route[0]));
    },
    hide() {
      listReports.stop();
      followRun.stop();
    },
  };
}
