#!/usr/bin/env node
'use strict';
// The faultline CLI. The project brings its own Node 24 (the `node` package in
// node_modules); when started by an older Node, re-run under that one.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  const node24 = join(root, 'node_modules', '.bin', 'node');
  if (!existsSync(node24)) {
    console.error(
      `faultline: needs Node 24 (this is ${process.version}); run \`npm install\` first`,
    );
    process.exit(1);
  }
  const result = spawnSync(node24, [__filename, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
const main = join(root, 'dist', 'apps', 'cli', 'src', 'main.js');
if (!existsSync(main)) {
  console.error('faultline: not built yet; run `npm run build` first');
  process.exit(1);
}
require(main);
