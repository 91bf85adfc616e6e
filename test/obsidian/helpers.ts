/**
 * Glue-test helpers: a fake Obsidian holding real notes (the committed test-vault, or notes written in a
 * test), the real plugin loaded into it, and ways to wait that work with jest's fake timers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import AttackCoveragePlugin from '../../src/main';
import { VIEW_TYPE_COVERAGE } from '../../src/obsidian/constants';
import type { CoverageView } from '../../src/obsidian/coverage-view';
import { FakeApp, type FakeAppOptions } from '../__obsidian_shim__/fake-app';

// The indexer logs its timing at debug level; keep test output quiet.
beforeEach(() => {
  jest.spyOn(console, 'debug').mockImplementation(() => undefined);
});

export const MANIFEST = JSON.parse(readFileSync(join(__dirname, '../../manifest.json'), 'utf8')) as { id: string; name: string; version: string };

const VAULT = join(__dirname, '../../test-vault');
let vaultCache: Record<string, string> | null = null;

/** The committed test-vault's notes, path → text (read once per test file). */
export function testVault(filter: (path: string) => boolean = () => true): Record<string, string> {
  if (!vaultCache) {
    const out: Record<string, string> = {};
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.name.startsWith('.')) continue;
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.md')) out[relative(VAULT, p).split(sep).join('/')] = readFileSync(p, 'utf8');
      }
    };
    walk(VAULT);
    vaultCache = out;
  }
  return Object.fromEntries(Object.entries(vaultCache).filter(([p]) => filter(p)));
}

export const PYTHON = 'Use Cases/T1059.006 - Command and Scripting Interpreter- Python.md';
export const PYTHON_RULE = 'Detection Rules/proc_creation_lnx_python_base64_encoded_execution.md';
export const APPLOCKER_RULE = 'Detection Rules/win_applocker_application_was_prevented_from_running.md';

/** A rule note whose only rule data is its embedded Sigma rule (no frontmatter, no tags). */
export const EMBEDDED_ONLY = `# Python Spawned by a Web Server

\`\`\`yml
title: Python Spawned by a Web Server
id: 6f1f3c52-6d7e-4c55-9f1a-0b7c1de2a001
status: test
level: critical
logsource:
    category: process_creation
    product: linux
tags:
    - attack.execution
    - attack.t1059.006
detection:
    selection:
        ParentImage|endswith: /nginx
        Image|contains: /python
    condition: selection
\`\`\`
`;

/** The test-vault's atomic-test note for T1059.006 (its file name is the generator's business). */
export function pythonRunbook(): string {
  const path = Object.keys(testVault((p) => p.startsWith('Testing Runbooks/T1059.006 '))).sort()[0];
  if (!path) throw new Error('test-vault has no runbook for T1059.006');
  return path;
}

/** A small slice of the test-vault around T1059 (technique notes, their rules and runbooks). */
export function pythonVault(): Record<string, string> {
  return testVault((p) => /T1059/.test(p) || p.startsWith('Detection Rules/') && /python|applocker|susp_file_characteristics/.test(p));
}

/** Let promises settle and fake time pass. */
export async function advance(ms = 0): Promise<void> {
  await jest.advanceTimersByTimeAsync(ms);
}

export interface Started {
  app: FakeApp;
  plugin: AttackCoveragePlugin;
}

/**
 * Obsidian's start-up order: vault loaded → plugins load → (optionally) a note is open → layout ready.
 * `ready: false` stops before layout-ready.
 */
export async function start(
  files: Record<string, string>,
  opts: FakeAppOptions & { userEnable?: boolean; open?: string; ready?: boolean } = {},
): Promise<Started> {
  const app = FakeApp.start(files, opts);
  const plugin = await app.enablePlugin(AttackCoveragePlugin, MANIFEST, { userEnable: opts.userEnable ?? true });
  if (opts.open) await app.workspace.openFile(opts.open);
  if (opts.ready !== false) {
    app.layoutReady();
    await advance(500);
  }
  return { app, plugin };
}

export function paneView(app: FakeApp): CoverageView {
  const leaf = app.workspace.getLeavesOfType(VIEW_TYPE_COVERAGE)[0];
  if (!leaf) throw new Error('the coverage pane is not open');
  return leaf.view as unknown as CoverageView;
}

/** The pane's content element. */
export function pane(app: FakeApp): HTMLElement {
  return (paneView(app) as unknown as { contentEl: HTMLElement }).contentEl;
}

export function ruleTitles(root: Element): string[] {
  return [...root.querySelectorAll('.attack-coverage-rules tbody tr:not(.attack-coverage-group) td:first-child a')].map((a) => a.textContent ?? '');
}

export function command(app: FakeApp, id: string): string {
  return `${MANIFEST.id}:${id}`;
}

const catalog = JSON.parse(readFileSync(join(__dirname, '../../src/core/attack/catalog.json'), 'utf8')) as {
  techniques: Array<{ tactics: string[]; isSubtechnique: boolean; revoked?: boolean; deprecated?: boolean }>;
};
/** Matrix placements straight from catalog.json: every active technique (not sub-technique) under each of its tactics. */
export const MATRIX_PLACEMENTS = catalog.techniques.filter((t) => !t.isSubtechnique && !t.revoked && !t.deprecated).reduce((n, t) => n + t.tactics.length, 0);
