import { setTimeout as sleep } from 'node:timers/promises';
import { Argument, Command, Option } from 'commander';
import {
  type ControlApiClient,
  DEFAULT_DURATION_SECONDS,
  DEFAULT_LOCK_MODE,
  LOCK_MODES,
  type LockMode,
  MAX_SEED,
  type RunRequest,
  type RunView,
  SCENARIO_NAMES,
} from '@faultline/contracts';
import { type CommandContext, type JsonFlag, jsonOption } from '../command-context';
import { flagDuration } from '../duration';
import { helpParagraph } from '../help-text';
import { UsageError } from '../usage-error';

/** `--seed`: a whole number the run contract accepts. */
function seedFlag(text: string): number {
  const seed = Number(text);
  if (!/^\d+$/.test(text) || seed > MAX_SEED) {
    throw new UsageError(`--seed ${text} must be a whole number from 0 to ${MAX_SEED}`);
  }
  return seed;
}

/** A report: its Markdown for people, or the whole JSON with --json. */
async function printReport(control: ControlApiClient, id: string, json: boolean): Promise<void> {
  const report = await control.report(id);
  console.log(
    json ? JSON.stringify(report, null, 2) : (report.markdown ?? JSON.stringify(report, null, 2)),
  );
}

/** Exit codes as Maelstrom's: 0 every checker valid, 1 any invalid (or the run failed), 2 unknown. */
const EXIT_CODE = { valid: 0, invalid: 1, unknown: 2 } as const;

export const SCENARIO_EXIT_CODES =
  'scenario run exits 0 when every checker is valid, 1 when any is invalid or the run failed, ' +
  '2 when a verdict is unknown.';

/** The scenarios `scenario run` takes, for the help. */
export const scenariosHelp = (command: Command): string =>
  'Scenarios (clients through scripted drills, then a verdict on the history):\n' +
  helpParagraph(command, SCENARIO_NAMES.join(', '), 2);

// `scenario` only groups `run`, and is listed as it.
const RUN_DESCRIPTION = 'run a scenario: its progress, then its report';

async function runScenario(
  control: ControlApiClient,
  request: RunRequest,
  json: boolean,
): Promise<number> {
  let run: RunView = await control.startRun(request);
  if (!json) console.log(`run ${run.id}: ${request.scenario}, seed ${run.seed}`);
  let phase = '';
  while (run.phase !== 'done' && run.phase !== 'failed') {
    if (!json && run.phase !== phase)
      console.log(`  … ${run.phase} (${run.ops} operations so far)`);
    phase = run.phase;
    await sleep(2_000);
    run = await control.run(run.id);
  }
  if (run.phase === 'failed') {
    console.error(`faultline: run ${run.id} failed: ${run.error}`);
    return 1;
  }
  await printReport(control, run.id, json);
  return EXIT_CODE[run.verdict ?? 'unknown'];
}

type ScenarioFlags = JsonFlag & { duration?: string; seed?: string; lock?: LockMode };

/**
 * `faultline scenario run <name>`: starts the run through control, shows its progress,
 * then prints the report (Markdown, or JSON with --json).
 */
export const scenarioCommand = (cli: CommandContext): Command =>
  new Command('scenario').description(RUN_DESCRIPTION).addCommand(
    new Command('run')
      .description(RUN_DESCRIPTION)
      .addArgument(new Argument('<name>', 'the scenario').choices(SCENARIO_NAMES))
      .option(
        '--duration <duration>',
        `how long the workload runs: ms, s, m or h (default ${DEFAULT_DURATION_SECONDS}s; a bare number is seconds)`,
      )
      .option(
        '--seed <n>',
        `the seed of the run's operations (0 to ${MAX_SEED}): the same seed replays the same operations and drills (default: a random one, printed)`,
      )
      .addOption(
        new Option(
          '--lock <mode>',
          `lock-pause: the lock the ledger takes (default ${DEFAULT_LOCK_MODE})`,
        ).choices(LOCK_MODES),
      )
      .addOption(jsonOption('print the report as JSON, without the progress'))
      .addHelpText('after', ({ command }) => `\n${helpParagraph(command, SCENARIO_EXIT_CODES)}`)
      .action(
        cli.action(async (name: string, flags: ScenarioFlags) => {
          const request: RunRequest = { scenario: name };
          if (flags.lock !== undefined) request.lock = flags.lock;
          if (flags.duration !== undefined) {
            const ms = flagDuration('duration', flags.duration, 's', false);
            request.durationSeconds = Math.round(ms / 1000);
          }
          if (flags.seed !== undefined) request.seed = seedFlag(flags.seed);
          return runScenario(cli.control(), request, Boolean(flags.json));
        }),
      ),
  );

async function showReport(
  control: ControlApiClient,
  id: string | undefined,
  json: boolean,
): Promise<number> {
  let reportId = id;
  if (reportId === undefined) {
    const reports = await control.reports();
    if (reports.length === 0) {
      console.log('no reports yet: run one with `faultline scenario run cp-vs-ap`');
      return 0;
    }
    reportId = reports[0]!.id;
  }
  await printReport(control, reportId, json);
  return 0;
}

/** `faultline report [id]`: a scenario report, the newest by default. */
export const reportCommand = (cli: CommandContext): Command =>
  new Command('report')
    .description('a scenario report, the newest by default')
    .argument('[id]', 'the run whose report to print')
    .addOption(jsonOption('print the whole report as JSON'))
    .action(
      cli.action((id: string | undefined, { json }: JsonFlag) =>
        showReport(cli.control(), id, Boolean(json)),
      ),
    );
