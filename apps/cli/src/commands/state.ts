import { readState, TopologyError, type TopologyState } from '@faultline/topology';

export function requireState(stateFile: string): TopologyState {
  const state = readState(stateFile);
  if (!state) {
    throw new TopologyError(
      `no topology is running (no ${stateFile}): start one with \`faultline up\``,
    );
  }
  return state;
}
