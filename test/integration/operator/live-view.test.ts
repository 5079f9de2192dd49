/**
 * The live view (issue 12 point 4) in a real browser: an operator on the sandbox with the demo's
 * three CMCs (one per mode, 1 s apart) acts a few times, then Debian's headless `chromium` loads
 * `GET /`: the DOM it renders shows the three CMCs, their state and one SVG dot per recent action,
 * the page's CSP blocks nothing it uses, and a screenshot is a PNG. Chromium is required: without
 * it this test fails saying how to install it (.ci/run does).
 *
 * LIVE_VIEW_SCREENSHOT=docs/live-view.png regenerates README's screenshot.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { API_VERSION_V1, KIND } from '../../../api/names.ts';
import { startWorld, waitFor, httpGet } from './support/world.ts';
import type { Replica, World } from './support/world.ts';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const NAMESPACE = 'demo';
const CMCS = [
  { name: 'demo-random-scale', scalingMode: 'randomScale', minReplicas: 3, maxReplicas: 7 },
  { name: 'demo-kill-pod', scalingMode: 'killPod', minReplicas: 0, maxReplicas: 0 },
  { name: 'demo-anti-pressure', scalingMode: 'antiPressure', minReplicas: 2, maxReplicas: 10 },
];

function chromium(args: string[], userDataDir: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    execFile(
      CHROMIUM,
      ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', `--user-data-dir=${userDataDir}`, '--enable-logging=stderr', '--v=0', ...args],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => (error !== null ? fail(new Error(`chromium ${args.join(' ')} failed: ${error.message}\n${stderr}`)) : done({ stdout, stderr })),
    );
  });
}

/** Actions per CMC as the page says (data-actions of each row). */
function actionCounts(html: string): Map<string, number> {
  return new Map([...html.matchAll(/data-cmc="demo\/([\w-]+)" data-state="[\w ]+" data-actions="(\d+)"/g)].map((m) => [m[1] as string, Number(m[2])]));
}

let world: World;
let replica: Replica;
let tmp: string;
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`the live view test needs Debian's chromium at ${CHROMIUM} (or set CHROMIUM): apt-get update && apt-get install -y chromium (.ci/run installs it)`);
  }
  tmp = await mkdtemp(join(tmpdir(), 'cm-live-'));
  world = await startWorld();
  await world.createNamespace(NAMESPACE, 'true');
  await world.createDeployment(NAMESPACE, 'web', 5);
  const measured = new Set<string>();
  const measure = (pod: string): void => {
    measured.add(pod);
    world.sandbox.setPodMetrics(NAMESPACE, pod, [{ name: 'c', cpu: `${100 + measured.size * 37}m`, memory: '64Mi' }]);
  };
  for (const pod of await world.podNames(NAMESPACE, 'web')) measure(pod);
  for (const c of CMCS) {
    await world.custom.createNamespacedCustomObject({
      group: 'cm.massix.github.io',
      version: 'v1',
      namespace: NAMESPACE,
      plural: 'chaosmonkeyconfigurations',
      body: { apiVersion: API_VERSION_V1, kind: KIND, metadata: { name: c.name, namespace: NAMESPACE }, spec: { enabled: true, minReplicas: c.minReplicas, maxReplicas: c.maxReplicas, scalingMode: c.scalingMode, deployment: { name: 'web' }, timeout: '1s' } },
    });
  }
  replica = await world.startOperator();
  await waitFor('three actions per CMC on the page', async () => {
    // PodMetrics for pods created since (killPod and randomScale replace pods), as the demo does.
    for (const pod of await world.podNames(NAMESPACE, 'web')) if (!measured.has(pod)) measure(pod);
    const counts = actionCounts((await httpGet(replica, '/')).body);
    return CMCS.every((c) => (counts.get(c.name) ?? 0) >= 3);
  }, 30_000);
}, 60_000);

afterAll(async () => {
  await world?.stop();
  if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
});

describe('the live view in headless chromium', () => {
  test('the rendered DOM shows the three CMCs, acting, each with its recent actions as SVG dots; the CSP blocks nothing', async () => {
    const { stdout: dom, stderr } = await chromium(['--dump-dom', `http://127.0.0.1:${replica.operator.httpPort}/`], join(tmp, 'dom'));
    expect(dom).toContain('<title>chaos-monkey live view</title>');
    const rows = [...dom.matchAll(/<tr class="cmc"([^>]*)>([\s\S]*?)<\/tr>/g)];
    expect(rows.map((r) => /data-cmc="([^"]+)"/.exec(r[1] as string)?.[1]).sort()).toEqual(CMCS.map((c) => `${NAMESPACE}/${c.name}`).sort());
    for (const [, attributes, cells] of rows) {
      // killPod and randomScale always can act; antiPressure may have just skipped (its pod gone to killPod): "not ready" and why.
      if (/anti-pressure/.test(attributes as string)) expect(attributes).toMatch(/data-state="(acting|not ready)"/);
      else expect(attributes).toMatch(/data-state="acting"/);
      expect(cells).toMatch(/<td class="why">\w+: /);
      // One dot per action, or per run of same-result actions a few seconds apart (data-count says how many).
      const counted = [...(cells as string).matchAll(/<circle class="(?:succeeded|skipped|failed)" data-count="(\d+)"/g)].reduce((n, m) => n + Number(m[1]), 0);
      expect(counted).toBeGreaterThanOrEqual(3);
      expect(counted).toBe(Number(/data-actions="(\d+)"/.exec(attributes as string)?.[1]));
      expect(cells).toMatch(/<svg class="timeline"/);
      expect(cells).toMatch(/<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/time>/);
    }
    // Every CMC acted at least once with success (antiPressure has PodMetrics).
    for (const [, , cells] of rows) expect(cells).toMatch(/<circle class="succeeded"/);
    expect(stderr).not.toMatch(/Content Security Policy/i);
    expect(dom).toContain('(leader)');
  }, 90_000);

  test('a screenshot renders (PNG, 1200x800 unless LIVE_VIEW_SCREENSHOT_SIZE says otherwise)', async () => {
    const file = resolve(process.env.LIVE_VIEW_SCREENSHOT ?? join(tmp, 'live-view.png'));
    const [width, height] = (process.env.LIVE_VIEW_SCREENSHOT_SIZE ?? '1200,800').split(',').map(Number);
    await chromium([`--screenshot=${file}`, `--window-size=${width},${height}`, '--hide-scrollbars', `http://127.0.0.1:${replica.operator.httpPort}/`], join(tmp, 'shot'));
    const png = await readFile(file);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(width);
    expect(png.readUInt32BE(20)).toBe(height);
  }, 90_000);

  test("a follower's page says it is a follower and shows the CMCs with no actions", async () => {
    const follower = await world.startOperator({ identity: 'replica-follower', waitForLeader: false });
    await follower.operator.ready;
    const html = await waitFor('the follower lists the three CMCs', async () => {
      const body = (await httpGet(follower, '/')).body;
      return actionCounts(body).size === 3 ? body : undefined;
    });
    expect(follower.operator.isLeader).toBe(false);
    expect(html).toContain('This replica is a <b>follower</b>');
    expect([...actionCounts(html).values()]).toEqual([0, 0, 0]);
    expect(html).not.toMatch(/<circle /);
  }, 30_000);

  test('a deleted CMC leaves the page (and its ring)', async () => {
    await world.deleteCmc(NAMESPACE, 'demo-kill-pod');
    await waitFor('demo-kill-pod gone from the page', async () => !actionCounts((await httpGet(replica, '/')).body).has('demo-kill-pod'));
    expect(actionCounts((await httpGet(replica, '/')).body).size).toBe(2);
  }, 30_000);
});
