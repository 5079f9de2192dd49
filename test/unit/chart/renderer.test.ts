/**
 * Which `helm template` the chart tests run (support/render.ts): helm on PATH first, then the
 * command in HELM_TEMPLATE, then the stand-in beside the repository, else a failure naming all
 * three. The last test renders through a `helm` found on PATH: a test-only shim script that logs
 * its call and forwards `helm template ...` to the renderer this environment really has (real helm
 * or the stand-in), and gives the same output as rendering directly.
 */
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { STAND_IN, findOnPath, helmTemplateCommand, renderChart } from './support/render.ts';

let dir: string;
let withHelm: string;
let notExecutable: string;
let empty: string;
let standIn: string;

function file(path: string, text: string, mode: number): string {
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'helm-renderer-'));
  for (const d of ['with-helm', 'not-executable', 'empty']) mkdirSync(join(dir, d));
  withHelm = join(dir, 'with-helm');
  notExecutable = join(dir, 'not-executable');
  empty = join(dir, 'empty');
  file(join(withHelm, 'helm'), '#!/bin/sh\nexit 0\n', 0o755);
  file(join(notExecutable, 'helm'), '#!/bin/sh\nexit 0\n', 0o644);
  standIn = file(join(dir, 'helm-template'), '#!/bin/sh\nexit 0\n', 0o755);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const path = (...dirs: string[]): string => dirs.join(delimiter);

describe('choosing the renderer', () => {
  test('helm on PATH comes first, even when HELM_TEMPLATE is set and the stand-in exists', () => {
    expect(helmTemplateCommand({ PATH: path(empty, withHelm), HELM_TEMPLATE: '/opt/other template' }, standIn)).toEqual([join(withHelm, 'helm'), 'template']);
  });

  test('a file called helm that is not executable is not a helm', () => {
    expect(findOnPath('helm', path(notExecutable, empty))).toBeUndefined();
    expect(findOnPath('helm', path(notExecutable, withHelm))).toBe(join(withHelm, 'helm'));
  });

  test('without helm on PATH: the command in HELM_TEMPLATE', () => {
    expect(helmTemplateCommand({ PATH: path(empty, notExecutable), HELM_TEMPLATE: ' /opt/helm/helm  template ' }, standIn)).toEqual(['/opt/helm/helm', 'template']);
  });

  test('without helm and HELM_TEMPLATE: the stand-in', () => {
    expect(helmTemplateCommand({ PATH: empty, HELM_TEMPLATE: '' }, standIn)).toEqual([standIn]);
  });

  test('with none of the three: an error naming all of them', () => {
    const missing = join(dir, 'no-such-stand-in');
    expect(() => helmTemplateCommand({ PATH: empty }, missing)).toThrow(/no helm \(>= 3\.14\) on PATH.*HELM_TEMPLATE is not set.*no-such-stand-in does not exist/);
  });

  test('the default stand-in path is ../shared/tools/helm-template/helm-template beside the repository', () => {
    expect(STAND_IN.endsWith(join('shared', 'tools', 'helm-template', 'helm-template'))).toBe(true);
  });
});

describe('rendering through a helm found on PATH', () => {
  test('a shim `helm` on PATH is called with `template ...` and renders what the real renderer renders', () => {
    const real = helmTemplateCommand();
    const shimDir = join(dir, 'shim');
    mkdirSync(shimDir);
    const log = join(dir, 'shim.log');
    const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
    const target = (real[1] === 'template' ? [real[0] as string] : real).map(quote).join(' ');
    const subcommand = real[1] === 'template' ? ' template' : '';
    file(join(shimDir, 'helm'), `#!/bin/sh\necho "$*" >> ${quote(log)}\n[ "$1" = template ] || exit 64\nshift\nexec ${target}${subcommand} "$@"\n`, 0o755);

    const env = { ...process.env, PATH: path(shimDir, process.env.PATH ?? '') };
    expect(helmTemplateCommand(env)).toEqual([join(shimDir, 'helm'), 'template']);
    const viaShim = renderChart({ set: ['replicas=3'] }, env);
    expect(viaShim.stderr).toBe('');
    expect(viaShim.status).toBe(0);
    expect(existsSync(log)).toBe(true);
    expect(readFileSync(log, 'utf8')).toMatch(/^template cm .*charts\/chaos-monkey --namespace chaosmonkey --set replicas=3\n$/);
    expect(viaShim.stdout).toBe(renderChart({ set: ['replicas=3'] }).stdout);
    expect(viaShim.stdout).toMatch(/replicas: 3/);
  });
});
