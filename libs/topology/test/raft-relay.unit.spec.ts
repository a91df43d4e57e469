import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { etcdMemberId, type RelayedMember, relayTarget } from '../src/nodes/raft-relay';

describe('the raft relay', () => {
  it("derives a member's ID as etcd does: a lone default member is 8e9e05c52164694d", () => {
    // etcd's well-known ID for --initial-advertise-peer-urls http://localhost:2380 and the
    // default --initial-cluster-token etcd-cluster.
    assert.equal(etcdMemberId(['http://localhost:2380'], 'etcd-cluster'), '8e9e05c52164694d');
    // The URLs are sorted first, so their order does not matter; the token does.
    const urls = ['http://b:2380', 'http://a:2380'];
    assert.equal(etcdMemberId(urls, 't'), etcdMemberId([...urls].reverse(), 't'));
    assert.notEqual(etcdMemberId(urls, 't'), etcdMemberId(urls, 'u'));
  });

  it("passes a peer request on through its sender's link, and one that names no known sender to the member", () => {
    const member: RelayedMember = {
      name: 'etcd-1',
      announcedUrl: 'http://relay:2381',
      listenPort: 2381,
      peer: { host: 'etcd-1.pods', port: 2380 },
      links: {
        'etcd-0': { host: 'toxiproxy', port: 15028 },
        'etcd-2': { host: 'toxiproxy', port: 15031 },
      },
    };
    const senders = new Map([
      ['a1', 'etcd-0'],
      ['c3', 'etcd-2'],
    ]);
    assert.deepEqual(relayTarget(member, senders, 'a1'), { host: 'toxiproxy', port: 15028 });
    assert.deepEqual(relayTarget(member, senders, 'c3'), { host: 'toxiproxy', port: 15031 });
    assert.deepEqual(relayTarget(member, senders, undefined), member.peer);
    assert.deepEqual(relayTarget(member, senders, 'ffff'), member.peer);
  });
});
