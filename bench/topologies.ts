import { startTopology, stopTopology } from '@faultline/topology';

type Topology = Awaited<ReturnType<typeof startTopology>>;

/**
 * The topologies a bench has running. Their servers run in process groups of their own, so an
 * interrupted bench (Ctrl-C) would leave them behind: on SIGINT or SIGTERM they are stopped
 * first.
 */
const running = new Map<string, Topology>();
let interruptedBy: NodeJS.Signals | undefined;

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interruptedBy = signal;
    console.error(
      `${signal}: stopping ${running.size} topolog${running.size === 1 ? 'y' : 'ies'}…`,
    );
    void Promise.allSettled([...running.values()].map((t) => stopTopology(t))).finally(() =>
      process.exit(130),
    );
  });
}

/**
 * Whether a signal is stopping the bench: its work then fails as the servers go, and the
 * handler above exits once they are stopped (not the failure, which would exit first).
 */
export const interrupted = (): boolean => interruptedBy !== undefined;

export async function startBenchTopology(
  options: Parameters<typeof startTopology>[0] = {},
): Promise<Topology> {
  const topology = await startTopology(options);
  running.set(topology.rootDir, topology);
  return topology;
}

/** Stops a topology started here (or its state as read again from its state file). */
export async function stopBenchTopology(
  topology: Parameters<typeof stopTopology>[0],
): Promise<void> {
  running.delete(topology.rootDir);
  await stopTopology(topology);
}
