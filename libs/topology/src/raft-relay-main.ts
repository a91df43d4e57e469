// The consensus lab's peer relay as a process: `node raft-relay-main.js '<RelayConfig JSON>'`.
import { type RelayConfig, startRelay } from './nodes/raft-relay';

startRelay(JSON.parse(process.argv[2] ?? '') as RelayConfig).catch((err: Error) => {
  console.error(`raft relay: ${err.message}`);
  process.exit(1);
});
