import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Browser, Page } from 'puppeteer-core';
import { repoRoot, readState, type TopologyStatus } from '@faultline/topology';
import { eventually, SupervisedTopology } from '@faultline/testing';
import { assertNotBlank, launchBrowser } from '@faultline/testing/browser';

/** Where the screenshots of each view go (kept after the run, for a look). */
const OUTPUT = join(repoRoot(), 'dist', 'test-output', 'console');

/**
 * The console in a real browser (Debian's Chromium) against a real topology: it shows every
 * node, runs and heals a drill from its form, runs a scenario and links its anomalies to
 * their traces, draws every dashboard panel, and copes with a wrong token, a refused drill
 * and control going away.
 */
describe('the console in Chromium', { timeout: 900_000 }, () => {
  // A light background workload, as the playground runs: the live verdict panels have data.
  const running = new SupervisedTopology({ workloadRate: 1 });
  let browser: Browser;
  let page: Page;
  /** Failed requests and page errors, by the step they happened in. */
  const problems: { step: string; text: string }[] = [];
  let step = 'load';

  const control = () => running.url('control');
  const token = () => running.state.adminToken;

  async function screenshot(name: string): Promise<void> {
    const png = await page.screenshot({ fullPage: true });
    writeFileSync(join(OUTPUT, `${name}.png`), png);
    assertNotBlank(png, name);
  }

  before(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push({ step, text: message.text() });
    });
    page.on('pageerror', (err) => problems.push({ step, text: `uncaught: ${String(err)}` }));
    console.log(`# screenshots: ${OUTPUT}`);
  });
  after(async () => {
    await browser?.close();
  });

  it('asks for the token, says when control refuses it, and asks again', async () => {
    step = 'wrong-token';
    await page.goto(`${control()}/`);
    await page.waitForSelector('#token-form input[name=token]');
    await page.type('#token-form input[name=token]', 'not-the-token');
    await page.click('#token-form button[type=submit]');
    const error = await page.waitForSelector('#token-form .form-error');
    assert.match(
      await error!.evaluate((e) => e.textContent ?? ''),
      /refused the token: invalid admin token/,
    );
    await page.type('#token-form input[name=token]', token());
    await page.click('#token-form button[type=submit]');
    await page.waitForSelector('.topology-picture');
    assert.equal(await page.$('#token-form'), null, 'the dialog is gone');
    // The browser logs the 401 it was answered; nothing else went wrong.
    assert.ok(
      problems.every((p) => /status of 401/.test(p.text)),
      JSON.stringify(problems),
    );
    problems.length = 0;
  });

  it('shows every node of `faultline status --json` with its role and health, and every link', async () => {
    step = 'topology';
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(repoRoot(), 'bin', 'faultline.js'), 'status', '--json'],
      { env: { ...process.env, FAULTLINE_STATE_DIR: dirname(running.state.stateFile) } },
    );
    const status = JSON.parse(stdout) as TopologyStatus;
    assert.ok(status.nodes.length >= 15, `${status.nodes.length} nodes`);
    await eventually(async () => {
      for (const node of status.nodes) {
        const shown = await page.$eval(`.topology-picture [data-node="${node.name}"]`, (e) => [
          e.getAttribute('data-role'),
          e.getAttribute('data-healthy'),
        ]);
        assert.deepEqual(shown, [node.role, 'true'], node.name);
      }
      for (const link of status.links) {
        const state = await page.$eval(`.topology-picture [data-link="${link.name}"]`, (e) =>
          e.getAttribute('data-state'),
        );
        assert.equal(state, 'up', link.name);
      }
    }, 30_000);
    await screenshot('topology');
  });

  it('starts a partition from the form, shows the link cut within 3 s, and heals it', async () => {
    step = 'drill';
    const link = 'catalog-a->redis-1';
    const cut = `.topology-picture [data-link="${link}"][data-state="cut"]`;
    await page.select('#drill-form select[name=kind]', 'partition');
    await page.waitForSelector(`#drill-form select[name=target] option[value="${link}"]`);
    await page.select('#drill-form select[name=target]', link);
    await page.select('#drill-form select[name=mode]', 'refuse');
    await page.click('#drill-form button[type=submit]');
    await page.waitForSelector(cut, { timeout: 3_000 });
    const drill = await page.waitForSelector('.drill-list li[data-state=active]');
    const id = await drill!.evaluate((e) => e.getAttribute('data-drill'));
    await screenshot('drill-active');

    // The same partition again: control refuses it (the link is held), and the form says why.
    step = 'refused-drill';
    await page.click('#drill-form button[type=submit]');
    const refusal = await page.waitForSelector('#drill-form .form-message[data-state=error]');
    assert.match(await refusal!.evaluate((e) => e.textContent ?? ''), new RegExp(`${id}`));
    assert.ok(
      problems.every((p) => /status of 409/.test(p.text)),
      JSON.stringify(problems),
    );
    problems.length = 0;

    step = 'heal';
    await page.click(`.drill-list li[data-drill="${id}"] button.heal`);
    await page.waitForSelector(`.topology-picture [data-link="${link}"][data-state="up"]`, {
      timeout: 5_000,
    });
    await page.waitForSelector(`.drill-list .ended li[data-drill="${id}"][data-state=healed]`);
  });

  it('runs a scenario, shows its verdicts, and opens an anomaly’s trace in Zipkin', async () => {
    step = 'scenario';
    await page.goto(`${control()}/#scenarios`);
    await page.waitForSelector('#run-form');
    await page.select('#run-form select[name=scenario]', 'clock-skew-lww');
    // Select the default duration, so typing replaces it.
    await page.click('#run-form input[name=durationSeconds]', { count: 3 });
    await page.type('#run-form input[name=durationSeconds]', '12');
    await page.click('#run-form button[type=submit]');
    await page.waitForSelector('.run-progress [data-phase]');
    await screenshot('scenario-running');
    const heading = await page.waitForSelector('.report h2[data-verdict]', { timeout: 180_000 });
    assert.equal(await heading!.evaluate((e) => e.getAttribute('data-verdict')), 'invalid');
    const verdicts = await page.$$eval('.verdict', (cards) =>
      cards.map((c) => `${c.getAttribute('data-checker')} ${c.getAttribute('data-valid')}`),
    );
    console.log(`# clock-skew-lww from the page: ${verdicts.join(', ')}`);
    const card = await page.waitForSelector('.verdict[data-checker="lost-updates"]');
    assert.equal(await card!.evaluate((e) => e.getAttribute('data-valid')), 'invalid');
    assert.ok(
      (await page.$$('.verdict')).length >= 4,
      'a card for every checker (bank, payments, staleness, lost-updates…)',
    );
    assert.match(
      await page.$eval('.report .markdown', (e) => e.textContent ?? ''),
      /lost-updates: INVALID/,
    );
    await screenshot('scenario-report');

    const href = await page.$eval('.verdict[data-checker="lost-updates"] a.trace', (e) =>
      e.getAttribute('href'),
    );
    const zipkin = running.url('zipkin');
    assert.match(href ?? '', new RegExp(`^${zipkin}/zipkin/traces/[0-9a-f]{32}$`));
    const traceId = href!.split('/').pop()!;
    // The services export in batches: the trace reaches Zipkin within seconds.
    const spans = await eventually(async () => {
      const response = await fetch(`${zipkin}/zipkin/api/v2/trace/${traceId}`);
      assert.equal(response.status, 200);
      const body = (await response.json()) as { localEndpoint?: { serviceName?: string } }[];
      assert.ok(
        body.some((s) => s.localEndpoint?.serviceName === 'catalog'),
        JSON.stringify(body),
      );
      return body;
    }, 30_000);
    const services = new Set(spans.map((s) => s.localEndpoint?.serviceName));
    assert.ok(services.has('workload'), [...services].join(', '));
    const trace = await browser.newPage();
    await trace.goto(href!);
    // Zipkin's page lists the services the trace crossed (its style may capitalise them).
    await trace.waitForFunction('document.body.innerText.toLowerCase().includes("catalog")', {
      timeout: 20_000,
    });
    const png = await trace.screenshot({ fullPage: true });
    writeFileSync(join(OUTPUT, 'trace.png'), png);
    assertNotBlank(png, 'trace');
    await trace.close();
  });

  it('draws every panel of the six core dashboards with data (the labs’ two are listed: their labs are off here)', async () => {
    step = 'dashboards';
    await page.goto(`${control()}/#dashboards`);
    const links = await page.waitForSelector('.dashboard-picker a');
    assert.ok(links);
    const uids = await page.$$eval('.dashboard-picker a', (as) =>
      as.map((a) => a.getAttribute('href')!.replace('#dashboards/', '')),
    );
    assert.equal(uids.length, 8, uids.join(', '));
    // A lab's dashboard has data only while the lab runs: its series are checked by the lab's
    // own test (apps/workload/test/quorum-lab.integration.spec.ts, consensus-lab…).
    for (const uid of uids.filter(
      (u) => !['faultline-quorum', 'faultline-consensus'].includes(u),
    )) {
      await page.goto(`${control()}/#dashboards/${uid}`);
      await eventually(async () => {
        const states = await page.$$eval('.panel', (panels) =>
          panels.map(
            (p) => `${p.getAttribute('data-panel-title')}: ${p.getAttribute('data-state')}`,
          ),
        );
        assert.ok(states.length >= 5, `${uid}: ${states.length} panels`);
        const missing = states.filter((s) => !s.endsWith(': data'));
        assert.deepEqual(missing, [], uid);
      }, 40_000);
      await screenshot(`dashboard-${uid}`);
    }
    assert.deepEqual(problems, []);
  });

  it('says when it lost control, and comes back by itself', async () => {
    step = 'control-down';
    await page.goto(`${control()}/#topology`);
    await page.waitForSelector('.topology-picture');
    const pid = readState(running.state.stateFile)!.nodes.find((n) => n.name === 'control')!.pid!;
    // The supervisor restarts it, as it would a crashed control.
    process.kill(pid, 'SIGKILL');
    const banner = await page.waitForSelector('.connection[data-state=lost]', { timeout: 10_000 });
    assert.match(
      await banner!.evaluate((e) => e.textContent ?? ''),
      /Lost the connection to control/,
    );
    await screenshot('connection-lost');
    await page.waitForSelector('.connection[data-state=connected]', { timeout: 90_000 });
    await page.waitForSelector('.topology-picture [data-node="pg-0"]');
    // A killed server fails the page's requests at the connection (refused, reset, empty,
    // not connected: Chromium's net:: errors) or in fetch; anything else is a page problem.
    const unexpected = problems.filter(
      (p) => !/Failed to load resource: net::ERR_|Failed to fetch/.test(p.text),
    );
    assert.deepEqual(unexpected, []);
  });
});
