/**
 * The browser harness page: the real plugin (src/main.ts) loaded into the `obsidian` stand-in, over the
 * committed test-vault (bundled at build time), with Obsidian's CSS variables and our real styles.css.
 * Query: `?theme=dark`, `?open=<note path>`, `?phone=1` (phone width: pane full screen), `?note=1` (phone:
 * show the note instead). Playwright drives it through `window.harness`.
 */
import vault from 'virtual:test-vault';
import manifest from '../manifest.json';
import AttackCoveragePlugin from '../src/main';
import { VIEW_TYPE_COVERAGE } from '../src/obsidian/constants';
import { FakeApp } from '../test/__obsidian_shim__/fake-app';
import type { Harness } from './api';


export const DEFAULT_NOTE = 'Use Cases/T1059.006 - Command and Scripting Interpreter- Python.md';

const params = new URLSearchParams(location.search);
const app = FakeApp.start(vault, { root: document.body });

function setTheme(theme: 'light' | 'dark'): void {
  document.body.classList.toggle('theme-dark', theme === 'dark');
  document.body.classList.toggle('theme-light', theme !== 'dark');
}

function setPhone(phone: boolean, showNote = false): void {
  document.body.classList.toggle('is-phone', phone);
  document.body.classList.toggle('show-note', phone && showNote);
}

function paneShowsCoverage(): boolean {
  const panel = document.querySelector('.attack-coverage-view .attack-coverage-panel');
  return panel !== null && !panel.classList.contains('mod-indexing');
}

async function until(check: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('harness: timed out');
    await new Promise((r) => window.setTimeout(r, 20));
  }
}

async function boot(): Promise<void> {
  setTheme(params.get('theme') === 'dark' ? 'dark' : 'light');
  setPhone(params.get('phone') === '1', params.get('note') === '1');
  await app.enablePlugin(AttackCoveragePlugin, manifest, { userEnable: true });
  await app.workspace.openFile(params.get('open') ?? DEFAULT_NOTE);
  app.layoutReady();
  await until(paneShowsCoverage);
}

const harness: Harness = {
  ready: boot(),
  open: async (path) => {
    await app.workspace.openFile(path);
  },
  setTheme,
  setPhone,
  activeFile: () => app.workspace.getActiveFile()?.path ?? null,
  panePath: () => {
    const view = app.workspace.getLeavesOfType(VIEW_TYPE_COVERAGE)[0]?.view as unknown as { notePath?: string | null } | undefined;
    return view?.notePath ?? null;
  },
  notes: () => Object.keys(vault).sort(),
  edit: async (path, find, replace) => {
    const file = app.vault.getFileByPath(path);
    if (!file) throw new Error(`no such note: ${path}`);
    await app.vault.process(file, (text) => text.replace(find, replace));
  },
};

window.harness = harness;
