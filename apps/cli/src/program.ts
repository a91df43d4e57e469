import { Command, CommanderError, Help } from 'commander';
import { CommandContext } from './command-context';
import { downCommand } from './commands/down';
import { drillCommand, drillKindsHelp } from './commands/drill';
import { drillsCommand } from './commands/drills';
import { healCommand } from './commands/heal';
import {
  reportCommand,
  SCENARIO_EXIT_CODES,
  scenarioCommand,
  scenariosHelp,
} from './commands/scenario';
import { statusCommand } from './commands/status';
import { topologyCommand } from './commands/topology';
import { upCommand } from './commands/up';
import { DURATIONS } from './duration';
import { type HelpItem, helpParagraph, helpSection } from './help-text';
import { USAGE_EXIT_CODE, UsageError } from './usage-error';

const ENVIRONMENT: HelpItem[] = [
  [
    'FAULTLINE_STATE_DIR',
    'where the running topology is recorded (default ~/.local/state/faultline)',
  ],
  [
    'FAULTLINE_CACHE_DIR',
    'where provisioned Kafka and Toxiproxy live (default ~/.cache/faultline)',
  ],
  ['FAULTLINE_URL', "the control API, e.g. a port-forward (default: the local topology's)"],
  ['FAULTLINE_TOKEN', "its admin token (default: the local topology's)"],
  [
    'FAULTLINE_CONNECT_WAIT',
    'how long to keep trying while the control API cannot be connected to, e.g. 30s right ' +
      'after an install (default 0: fail at once)',
  ],
  ['FAULTLINE_DEBUG', 'set: print the stack of an unexpected error'],
];

const EXIT_CODES =
  'Exit codes: 0 success, 1 a failure, 2 a usage error (an unknown command or option, a ' +
  `missing argument, a bad duration). ${SCENARIO_EXIT_CODES}`;

const standardHelp = new Help();

/** A command that only groups others (scenario) is listed as those: `scenario run <name>`. */
const subcommandTerm = (command: Command): string =>
  command.commands.length
    ? command.commands.map((sub) => `${command.name()} ${subcommandTerm(sub)}`).join(', ')
    : standardHelp.subcommandTerm(command);

/** The help a usage error points to: `faultline help`, `faultline scenario run --help`. */
function helpFor(command: Command): string {
  const names: string[] = [];
  for (let c = command; c.parent; c = c.parent) names.unshift(c.name());
  return names.length ? `faultline ${names.join(' ')} --help` : 'faultline help';
}

/**
 * Commander's own errors (an unknown command or option, a missing argument, …) become the
 * CLI's usage errors: one line on stderr from main, as every error, and exit 2 where commander
 * would exit 1. Help, asked for or shown for want of a command, goes on as the CommanderError.
 */
function failWithUsageErrors(command: Command): void {
  command.configureOutput({ outputError: () => undefined }).exitOverride((err) => {
    if (err.code === 'commander.help' || err.code === 'commander.helpDisplayed') throw err;
    const message = err.message
      .replace(/^error: /, '')
      .replace(/\s*\n\s*/g, ' ')
      .replace(/\.$/, '');
    throw new UsageError(`${message}; see \`${helpFor(command)}\``);
  });
  command.commands.forEach(failWithUsageErrors);
}

/** `faultline` and its commands, each defined (arguments, options, help, action) in its module. */
export function faultlineProgram(cli: CommandContext): Command {
  const program = new Command('faultline')
    .usage('<command> [options]')
    .description(
      'The CAP playground: a local topology of real datastores, drills that fault it, and ' +
        'scenarios that check what its clients saw.',
    )
    .configureHelp({ subcommandTerm })
    .helpCommand('help [command]', 'show this help, or that of a command')
    .commandsGroup('Topology:')
    .addCommand(upCommand(cli))
    .addCommand(statusCommand(cli))
    .addCommand(downCommand(cli))
    .commandsGroup('Drills, through the control API:')
    .addCommand(drillCommand(cli))
    .addCommand(drillsCommand(cli))
    .addCommand(healCommand(cli))
    .addCommand(topologyCommand(cli))
    .commandsGroup('Scenarios, through the control API:')
    .addCommand(scenarioCommand(cli))
    .addCommand(reportCommand(cli))
    .addHelpText('after', ({ command }) =>
      [
        '',
        drillKindsHelp(command),
        scenariosHelp(command),
        helpParagraph(command, DURATIONS),
        helpSection(command, 'Environment:', ENVIRONMENT),
        helpParagraph(command, EXIT_CODES),
      ].join('\n'),
    );
  failWithUsageErrors(program);
  return program;
}

/** Runs the command `argv` names; answers the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const cli = new CommandContext();
  try {
    await faultlineProgram(cli).parseAsync(argv, { from: 'user' });
    return cli.exitCode;
  } catch (err) {
    // Help asked for is a success; help shown for want of a command, a usage error.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
    throw err;
  }
}
