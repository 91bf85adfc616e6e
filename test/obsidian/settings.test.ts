/**
 * @jest-environment jsdom
 *
 * The settings tab: changes are saved with saveData and applied live (notes re-classified, panels redrawn).
 */
import { REFRESH_MS } from '../../src/obsidian/constants';
import { DEFAULT_PLUGIN_SETTINGS, loadPluginSettings } from '../../src/obsidian/settings';
import type { FakeApp } from '../__obsidian_shim__/fake-app';
import { MarkdownPreviewRenderer } from '../__obsidian_shim__/obsidian';
import { MANIFEST, PYTHON, advance, pane, pythonVault, ruleTitles, start } from './helpers';

beforeEach(() => jest.useFakeTimers());
afterEach(() => {
  jest.useRealTimers();
  document.body.replaceChildren();
});

function openTab(app: FakeApp): HTMLElement {
  const tab = app.setting.openTabById(MANIFEST.id);
  if (!tab) throw new Error('no settings tab');
  return tab.containerEl;
}

function settingNamed(root: HTMLElement, name: string): HTMLElement {
  const item = [...root.querySelectorAll<HTMLElement>('.setting-item')].find((s) => s.querySelector('.setting-item-name')?.textContent === name);
  if (!item) throw new Error(`no setting "${name}"`);
  return item;
}

function type(root: HTMLElement, name: string, value: string): void {
  const ta = settingNamed(root, name).querySelector('textarea')!;
  ta.value = value;
  ta.dispatchEvent(new Event('input'));
}

function toggle(root: HTMLElement, name: string): void {
  settingNamed(root, name).querySelector<HTMLElement>('.checkbox-container')!.click();
}

/** Not rule-like by itself: only a folder setting makes it a rule. */
const UNFILED = '---\ntags: [t1059_006]\n---\n## Python Inline Command Execution\n';

describe('settings tab', () => {
  test('lists every setting, in sentence case, with headings only between sections', async () => {
    const { app } = await start(pythonVault());
    const root = openTab(app);
    const names = [...root.querySelectorAll('.setting-item-name')].map((n) => n.textContent ?? '');
    expect(names).toEqual([
      'Roll up sub-techniques',
      'Render dataview blocks',
      'Rule table',
      'Status column',
      'Level column',
      'Log source column',
      'Vendor column',
      'Note roles',
      'Technique folders',
      'Rule folders',
      'Test folders',
      'Technique tags',
      'Rule tags',
      'Test tags',
      'Ignored folders',
      'Rebuild index',
    ]);
    expect([...root.querySelectorAll('.setting-item-heading .setting-item-name')].map((n) => n.textContent)).toEqual(['Rule table', 'Note roles']);
    expect(root.querySelector('h1, h2, h3')).toBeNull();
  });

  test('a new rule folder re-classifies notes live, is saved, and folder paths are normalized', async () => {
    const files = pythonVault();
    files['Vendor rules/python_inline.md'] = UNFILED;
    const { app } = await start(files, { open: PYTHON });
    expect(ruleTitles(pane(app))).not.toContain('Python Inline Command Execution');
    const root = openTab(app);
    type(root, 'Rule folders', 'Detection Rules\n/Vendor rules//\n');
    await advance(400 + REFRESH_MS + 10);
    expect(ruleTitles(pane(app))).toContain('Python Inline Command Execution');
    expect((app._pluginData.get(MANIFEST.id) as { ruleFolders: string[] }).ruleFolders).toEqual(['Detection Rules', 'Vendor rules']);
  });

  test('roll-up off removes sub-technique rules from a parent', async () => {
    const { app } = await start(pythonVault(), { open: 'Use Cases/T1059 - Command and Scripting Interpreter.md' });
    expect(pane(app).querySelectorAll('.attack-coverage-via').length).toBeGreaterThan(0);
    toggle(openTab(app), 'Roll up sub-techniques');
    await advance(REFRESH_MS + 10);
    expect(pane(app).querySelectorAll('.attack-coverage-via')).toHaveLength(0);
    expect((app._pluginData.get(MANIFEST.id) as { rollUp: boolean }).rollUp).toBe(false);
  });

  test('rule-table columns apply to open panels at once', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON });
    toggle(openTab(app), 'Vendor column');
    await advance(REFRESH_MS + 10);
    expect([...pane(app).querySelectorAll('.attack-coverage-rules thead th')].map((th) => th.textContent)).toEqual(['Rule', 'Status', 'Level', 'Log source']);
  });

  test('turning the Dataview takeover on registers it live; off shows queries as text', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON, pluginData: { [MANIFEST.id]: { dataviewTakeover: false } } });
    expect(MarkdownPreviewRenderer.codeBlockPostProcessors.dataview).toBeUndefined();
    const root = openTab(app);
    toggle(root, 'Render dataview blocks');
    await advance(0);
    expect(MarkdownPreviewRenderer.codeBlockPostProcessors.dataview).toBeDefined();
    // Re-open the note: its blocks now render as coverage.
    await app.workspace.openFile(PYTHON);
    await (app.workspace.activeLeaf!.view as unknown as { render(): Promise<void> }).render();
    const block = (): Element => app.workspace.rootSplit.el.querySelector('.block-language-dataview')!;
    expect(ruleTitles(block())).toHaveLength(5);
    toggle(root, 'Render dataview blocks');
    await advance(REFRESH_MS + 10);
    expect(block().querySelector('pre code')?.textContent).toMatch(/^table without id/);
    expect(block().textContent).toMatch(/turned off/);
  });

  test('saved data over defaults; unknown or bad values fall back', () => {
    expect(loadPluginSettings(null)).toEqual(DEFAULT_PLUGIN_SETTINGS);
    const s = loadPluginSettings({ ruleFolders: ['Rules'], ruleColumns: ['level', 'bogus'], dataviewTakeover: 'yes', rollUp: false });
    expect(s.ruleFolders).toEqual(['Rules']);
    expect(s.ruleColumns).toEqual(['level']);
    expect(s.dataviewTakeover).toBe(true);
    expect(s.rollUp).toBe(false);
    expect(DEFAULT_PLUGIN_SETTINGS.ruleFolders).toEqual(['Detection Rules']); // defaults never mutated
  });

  test('data.json changed by Sync is applied', async () => {
    const { app, plugin } = await start(pythonVault(), { open: PYTHON });
    app._pluginData.set(MANIFEST.id, { ruleColumns: ['level'] });
    await plugin.onExternalSettingsChange();
    await advance(REFRESH_MS + 10);
    expect([...pane(app).querySelectorAll('.attack-coverage-rules thead th')].map((th) => th.textContent)).toEqual(['Rule', 'Level']);
  });
});
