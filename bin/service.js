#!/usr/bin/env node
'use strict';
// The one entry point of every service process, in the image (its ENTRYPOINT) and in the
// local topology alike: `node bin/service.js <app>`. One command everywhere means a pod runs
// exactly what `faultline up` and the tests run.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const APPS = ['payments', 'catalog', 'orders', 'carts', 'ledger', 'control', 'workload'];

const app = process.argv[2];
if (!APPS.includes(app)) {
  console.error(
    `${app === undefined ? 'no app named' : `unknown app "${app}"`}: ` +
      `usage: node bin/service.js <app>, app: one of ${APPS.join(', ')}`,
  );
  process.exit(2);
}

const dist = join(__dirname, '..', 'dist');
const preload = join(dist, 'libs', 'telemetry', 'src', 'preload.js');
const main = join(dist, 'apps', app, 'src', 'main.js');
for (const file of [preload, main]) {
  if (!existsSync(file)) {
    console.error(`${app} is not built (${file} missing): run \`npm run build\``);
    process.exit(1);
  }
}

// The OpenTelemetry SDK patches modules as they are first required, so it must start before
// the app pulls in http, pg, ioredis, kafkajs or Nest: the same as `node --require <preload>`.
require(preload);
require(main);
