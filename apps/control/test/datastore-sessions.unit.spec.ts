import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { KeptConnections } from '../src/topology/datastore-sessions';

/** A connection that counts its questions and can be made to fail or end. */
class FakeConnection extends EventEmitter {
  closed = false;
  asked = 0;
  constructor(
    readonly id: number,
    private readonly refuse: boolean,
  ) {
    super();
  }
  connect(): Promise<void> {
    if (this.refuse) {
      this.emit('end');
      return Promise.reject(new Error('ECONNREFUSED'));
    }
    return Promise.resolve();
  }
}

/** `loading`: the client is created asynchronously, as the CQL driver is loaded at first use. */
function connections(opts: { refuse?: boolean; loading?: boolean } = {}) {
  const opened: FakeConnection[] = [];
  const kept = new KeptConnections<FakeConnection>(
    () => {
      const c = new FakeConnection(opened.length, opts.refuse ?? false);
      if (!opts.refuse) opened.push(c);
      return opts.loading ? new Promise((resolve) => setImmediate(() => resolve(c))) : c;
    },
    (c) => {
      c.closed = true;
    },
  );
  return { kept, opened };
}

const node = { host: '127.0.0.1', port: 5432 };
const other = { host: '127.0.0.1', port: 6379 };
const ask = (c: FakeConnection) => Promise.resolve(++c.asked);
const settle = () => new Promise((r) => setImmediate(r));

describe('KeptConnections: one connection per node, kept until it fails', () => {
  it('asks every question of a node on one connection, and each node on its own', async () => {
    const { kept, opened } = connections();
    const answers = await Promise.all([kept.use(node, ask), kept.use(node, ask)]);
    assert.deepEqual(answers.sort(), [1, 2]);
    await kept.use(other, ask);
    assert.equal(opened.length, 2);
    assert.equal(opened[0]!.asked, 2);
  });

  it('asks the questions that came while a client was being created on that one client', async () => {
    const { kept, opened } = connections({ loading: true });
    const answers = await Promise.all([kept.use(node, ask), kept.use(node, ask)]);
    assert.deepEqual(answers.sort(), [1, 2]);
    assert.equal(opened.length, 1);
    kept.closeAll();
    await settle();
    assert.equal(opened[0]!.closed, true);
  });

  it('drops and closes a connection whose question failed; the next question opens another', async () => {
    const { kept, opened } = connections();
    await kept.use(node, ask);
    await assert.rejects(
      kept.use(node, () => Promise.reject(new Error('query timeout'))),
      /query timeout/,
    );
    await settle();
    assert.equal(opened[0]!.closed, true);
    assert.equal(await kept.use(node, ask), 1, 'a fresh connection');
    assert.equal(opened.length, 2);
  });

  it('drops a connection that ended by itself (the node died)', async () => {
    const { kept, opened } = connections();
    await kept.use(node, ask);
    opened[0]!.emit('end');
    await settle();
    await kept.use(node, ask);
    assert.equal(opened.length, 2);
    assert.equal(opened[1]!.asked, 1);
  });

  it('a connection that could not be opened is not kept', async () => {
    const opts = { refuse: true };
    const { kept, opened } = connections(opts);
    await assert.rejects(kept.use(node, ask), /ECONNREFUSED/);
    opts.refuse = false;
    assert.equal(await kept.use(node, ask), 1);
    assert.equal(opened.length, 1);
  });

  it('closeAll closes every connection and refuses new questions', async () => {
    const { kept, opened } = connections();
    await kept.use(node, ask);
    await kept.use(other, ask);
    kept.closeAll();
    await settle();
    assert.deepEqual(
      opened.map((c) => c.closed),
      [true, true],
    );
    await assert.rejects(kept.use(node, ask), /shutting down/);
  });
});
