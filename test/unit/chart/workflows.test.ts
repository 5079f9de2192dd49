/**
 * The GitHub workflows do what the project promises: CI runs the README's command (npm ci, npm test)
 * on pushes and pull requests with the same helm version the chart tests reproduce; the release
 * workflow, on version tags, checks versions, pushes the image and packages the chart.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { REPO_ROOT } from './support/render.ts';

interface Step { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> }
interface Job { steps: Step[]; env?: Record<string, string>; needs?: string | string[] }
interface Workflow { on: Record<string, unknown>; jobs: Record<string, Job> }

const workflow = (name: string): Workflow => load(readFileSync(join(REPO_ROOT, '.github', 'workflows', name), 'utf8')) as Workflow;
const runs = (job: Job): string => job.steps.map((s) => s.run ?? '').join('\n');
const uses = (job: Job): string[] => job.steps.flatMap((s) => (s.uses === undefined ? [] : [s.uses]));

describe('ci.yml', () => {
  const ci = workflow('ci.yml');
  test('runs on pushes and pull requests', () => {
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
  });
  test('installs from the lock file and runs npm test, rendering the chart with helm v3.14.4', () => {
    const job = ci.jobs.test as Job;
    expect(runs(job)).toMatch(/npm ci\b/);
    expect(runs(job)).toMatch(/^npm test$/m);
    expect(job.env?.HELM_TEMPLATE).toBe('helm template');
    const helm = job.steps.find((s) => s.uses?.startsWith('azure/setup-helm@'));
    expect(helm?.with?.version).toBe('v3.14.4');
    // Node comes from the "node" devDependency through npm ci, not from a different setup-node version.
    expect(uses(job).some((u) => u.startsWith('actions/setup-node@'))).toBe(false);
  });
});

describe('.ci/run', () => {
  test("installs, then runs exactly the README's test command", () => {
    const commands = readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    expect(commands.slice(-2)).toEqual(['npm ci --no-audit --no-fund', 'npm test']);
    expect(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')).toMatch(/^\| `npm test` \| /m);
  });
});

describe('release.yml', () => {
  const release = workflow('release.yml');
  test('runs on version tags only', () => {
    expect(Object.keys(release.on)).toEqual(['push']);
    expect(release.on.push).toEqual({ tags: ['v*.*.*'] });
  });
  test('checks versions, tests, then pushes the image and packages the chart', () => {
    expect(runs(release.jobs.versions as Job)).toMatch(/package\.json/);
    expect(runs(release.jobs.test as Job)).toMatch(/^npm test$/m);
    const image = release.jobs.image as Job;
    expect(uses(image).some((u) => u.startsWith('docker/build-push-action@'))).toBe(true);
    expect(image.steps.find((s) => s.uses?.startsWith('docker/build-push-action@'))?.with?.push).toBe(true);
    expect(image.needs).toEqual(['versions', 'test']);
    const chart = release.jobs.chart as Job;
    expect(runs(chart)).toMatch(/helm package charts\/chaos-monkey/);
    expect(runs(chart)).toMatch(/helm push/);
  });
});
