import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  LINKS,
  linkName,
  NODES,
  parseRedisInfo,
  rulesDir,
  SYNCHRONOUS_STANDBY_NAMES,
} from '@faultline/topology';
import { scrapeConfig } from '../src/nodes/prometheus';

describe('topology model', () => {
  it('names every link client->server after nodes that exist', () => {
    const names = new Set(NODES.map((n) => n.name));
    for (const link of LINKS) {
      assert.ok(names.has(link.client) && names.has(link.server), linkName(link));
    }
    assert.deepEqual(LINKS.map(linkName), [
      'pg-replica-1->pg-primary',
      'pg-replica-2->pg-primary',
      'redis-replica-1->redis-primary',
      'redis-replica-2->redis-primary',
      'payments-0->pg-primary',
      'catalog-a->redis-primary',
      'catalog-a->redis-replica-1',
      'catalog-b->redis-primary',
      'catalog-b->redis-replica-2',
      'orders-0->pg-primary',
      'orders-0->kafka-0',
    ]);
  });

  it('asks for a quorum of one of the two standbys', () => {
    assert.equal(SYNCHRONOUS_STANDBY_NAMES, 'ANY 1 (pg_replica_1, pg_replica_2)');
  });
});

describe('parseRedisInfo', () => {
  it('reads fields and skips section headers', () => {
    const info = parseRedisInfo(
      '# Replication\r\nrole:slave\r\nmaster_link_status:down\r\nmaster_host:127.0.0.1\r\n',
    );
    assert.deepEqual(info, { role: 'slave', master_link_status: 'down', master_host: '127.0.0.1' });
  });
});

describe('scrapeConfig', () => {
  it('is a configuration promtool accepts (with the alerting rules), one job per node', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-prom-'));
    try {
      const file = join(dir, 'prometheus.yml');
      writeFileSync(
        file,
        scrapeConfig(
          [
            { node: 'toxiproxy', address: '127.0.0.1:8474', metricsPath: '/metrics' },
            { node: 'payments-0', address: '127.0.0.1:3000', metricsPath: '/metrics' },
          ],
          [join(rulesDir(), 'faultline.rules.yml')],
        ),
      );
      const out = execFileSync('promtool', ['check', 'config', file], { encoding: 'utf8' });
      assert.match(out, /SUCCESS/);
      assert.match(scrapeConfig([]), /scrape_interval: 1s/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
