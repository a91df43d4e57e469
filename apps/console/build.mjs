// Builds the console (the page control serves at `/`) into dist/console: the browser code
// bundled by esbuild from apps/console/src, its styles, uPlot's, and the dashboards' JSON
// copied from grafana/dashboards (the same files Grafana is provisioned with).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const out = join(root, 'dist', 'console');

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'dashboards'), { recursive: true });

await build({
  entryPoints: [join(here, 'src', 'main.ts')],
  outfile: join(out, 'console.js'),
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  tsconfig: join(here, 'tsconfig.json'),
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
});

copyFileSync(join(here, 'index.html'), join(out, 'index.html'));
copyFileSync(join(here, 'console.css'), join(out, 'console.css'));
copyFileSync(join(root, 'node_modules', 'uplot', 'dist', 'uPlot.min.css'), join(out, 'uplot.css'));

const dashboards = join(root, 'grafana', 'dashboards');
const files = readdirSync(dashboards)
  .filter((f) => f.endsWith('.json'))
  .sort();
for (const file of files) copyFileSync(join(dashboards, file), join(out, 'dashboards', file));
writeFileSync(join(out, 'dashboards', 'index.json'), `${JSON.stringify(files)}\n`);
