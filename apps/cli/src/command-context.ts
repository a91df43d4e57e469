import { Option } from 'commander';
import type { ControlApiClient } from '@faultline/contracts';
import { defaultStateFile } from '@faultline/topology';
import { ControlClient } from './control-client';

/**
 * What the commands share: where the running topology is recorded, the control API, and the
 * exit code the command that ran answered.
 */
export class CommandContext {
  readonly stateFile = defaultStateFile();
  exitCode = 0;

  /** Looked for only when a command calls it, so that its flags are checked first. */
  control(): ControlApiClient {
    return ControlClient.locate(this.stateFile).api();
  }

  /** A command's action: what it answers is the CLI's exit code. */
  action<Args extends unknown[]>(
    run: (...args: Args) => Promise<number>,
  ): (...args: Args) => Promise<void> {
    return async (...args) => {
      this.exitCode = await run(...args);
    };
  }
}

/** `--json`, on every command that prints a table: what the API answered, whole. */
export const jsonOption = (description = 'print JSON instead of a table'): Option =>
  new Option('--json', description);

export interface JsonFlag {
  json?: boolean;
}
