import { createServer, type Server } from 'node:net';
import { HOST } from './model';

const listenOnFreePort = (): Promise<Server> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => resolve(server));
  });

/**
 * Picks `count` distinct free ports on 127.0.0.1. All are held open until every one
 * is picked, so one call never returns the same port twice; the kernel hands out
 * ephemeral ports in sequence, so two topologies starting together do not collide.
 */
export async function allocatePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await listenOnFreePort());
    return servers.map((s) => {
      const address = s.address();
      if (address === null || typeof address === 'string') throw new Error('unexpected address');
      return address.port;
    });
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}
