/**
 * @jest-environment jsdom
 *
 * The settings tab: changes are saved with saveData and applied live (notes re-classified, panels redrawn).
 */
import { REFRESH_MS } from '../../src/obsidian/constants';
import type { SettingDefinitionItem } from 'obsidian';
import { DEFAULT_PLUGIN_SETTINGS, loadPluginSettings } from '../../src/obsidian/settings';
import type { CoverageSettingTab } from '../../src/obsidian/settings-tab';
import type { FakeApp } from '../__obsidian_shim__/fake-app';
import { MarkdownPreviewRenderer, Notice } from '../__obsidian_shim__/obsidian';
import { EMBEDDED_ONLY, MANIFEST, PYTHON, advance, pane, pythonVault, ruleTitles, start } from './helpers';

beforeEach(() => jest.useFakeTimers());
afterEach(() => {
  jest.useRealTimers();
  document.body.replaceChildren();
});

function openTab(app: FakeApp): HTMLElement {
  return declarative(app).containerEl;
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

/** The open tab; Obsidian 1.13 reads its definitions and its values by key. */
function declarative(app: FakeApp): CoverageSettingTab {
  const tab = app.setting.openTabById(MANIFEST.id);
  if (!tab) throw new Error('no settings tab');
  return tab as unknown as CoverageSettingTab;
}

type Row = { name: string; control?: { key: string; validate?: (v: string) => unknown } };

function rows(items: SettingDefinitionItem[]): Row[] {
  return items.flatMap((i) => ('type' in i ? (i.type === 'page' ? [] : rows(i.items ?? [])) : [i as Row]));
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

  test('a folder whose name holds a comma is one folder, not two', async () => {
    const files = pythonVault();
    files['Sigma, converted/python_inline.md'] = UNFILED;
    const { app } = await start(files, { open: PYTHON });
    type(openTab(app), 'Rule folders', 'Detection Rules\nSigma, converted');
    await advance(400 + REFRESH_MS + 10);
    expect((app._pluginData.get(MANIFEST.id) as { ruleFolders: string[] }).ruleFolders).toEqual(['Detection Rules', 'Sigma, converted']);
    expect(ruleTitles(pane(app))).toContain('Python Inline Command Execution');
  });

  test('a folder taken out of the technique folders has the embedded rules of its notes read', async () => {
    const files = pythonVault();
    files['Security/T1059.006 - Python webshell.md'] = EMBEDDED_ONLY;
    const saved = { techniqueFolders: ['Use Cases', 'Security'] };
    const { app } = await start(files, { open: PYTHON, pluginData: { [MANIFEST.id]: saved } });
    // In a technique folder, with an ID in its name, the note is a technique note and its body is not read.
    expect(ruleTitles(pane(app))).not.toContain('Python Spawned by a Web Server');
    type(openTab(app), 'Technique folders', 'Use Cases');
    await advance(400 + REFRESH_MS + 10);
    expect(ruleTitles(pane(app))).toContain('Python Spawned by a Web Server');
  });

  test('a setting that cannot change which bodies are read costs no pass over the notes', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON });
    const lookups = jest.spyOn(app.metadataCache, 'getFileCache');
    toggle(openTab(app), 'Roll up sub-techniques');
    await advance(REFRESH_MS + 10);
    expect(lookups).not.toHaveBeenCalled();
    lookups.mockRestore();
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

  test('an open tab shows settings changed by Sync, and is not redrawn by its own changes', async () => {
    const { app, plugin } = await start(pythonVault());
    const root = openTab(app);
    const area = (): HTMLTextAreaElement => settingNamed(root, 'Rule folders').querySelector('textarea')!;
    const before = area();
    type(root, 'Rule folders', 'Detection Rules\nMine');
    await advance(400 + REFRESH_MS + 10);
    expect(area()).toBe(before); // saved without redrawing the row being typed in
    expect((app._pluginData.get(MANIFEST.id) as { ruleFolders: string[] }).ruleFolders).toEqual(['Detection Rules', 'Mine']);

    app._pluginData.set(MANIFEST.id, { ruleFolders: ['Synced'], rollUp: false });
    await plugin.onExternalSettingsChange();
    expect(area().value).toBe('Synced');
    expect(settingNamed(root, 'Roll up sub-techniques').querySelector('.checkbox-container')?.classList.contains('is-enabled')).toBe(false);
  });

  test('settings arriving by Sync while a list is being typed: the tab and the saved data agree', async () => {
    const { app, plugin } = await start(pythonVault());
    const root = openTab(app);
    type(root, 'Rule folders', 'Detection Rules\nTyped');
    app._pluginData.set(MANIFEST.id, { ruleFolders: ['Synced'] });
    await plugin.onExternalSettingsChange();
    await advance(400 + REFRESH_MS + 10);
    const shown = settingNamed(root, 'Rule folders').querySelector('textarea')!.value;
    expect(shown).toBe('Synced');
    expect((app._pluginData.get(MANIFEST.id) as { ruleFolders: string[] }).ruleFolders).toEqual(['Synced']);
  });

  test('a setting that cannot be saved still applies, and a notice says it was not saved', async () => {
    const { app, plugin } = await start(pythonVault(), { open: 'Use Cases/T1059 - Command and Scripting Interpreter.md' });
    jest.spyOn(plugin, 'saveData').mockRejectedValue(new Error('EACCES: permission denied'));
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    toggle(openTab(app), 'Roll up sub-techniques');
    await advance(REFRESH_MS + 10);
    expect(pane(app).querySelectorAll('.attack-coverage-via')).toHaveLength(0);
    expect(Notice.shown.at(-1)).toBe('ATT&CK coverage: could not save the settings (EACCES: permission denied). They apply until Obsidian restarts.');
    expect(logged).toHaveBeenCalled();
  });

  test('data.json changed by Sync is applied', async () => {
    const { app, plugin } = await start(pythonVault(), { open: PYTHON });
    app._pluginData.set(MANIFEST.id, { ruleColumns: ['level'] });
    await plugin.onExternalSettingsChange();
    await advance(REFRESH_MS + 10);
    expect([...pane(app).querySelectorAll('.attack-coverage-rules thead th')].map((th) => th.textContent)).toEqual(['Rule', 'Level']);
  });

  describe('as Obsidian 1.13 renders it (declarative definitions)', () => {
    test('every saved setting has a control, and every control reads the saved value', async () => {
      const saved = { ruleFolders: ['Rules', 'Vendor/Sigma'], ruleTags: ['sigma'], rollUp: false, dataviewTakeover: false, ruleColumns: ['level', 'vendor'] };
      const { app } = await start(pythonVault(), { pluginData: { [MANIFEST.id]: saved } });
      const tab = declarative(app);
      const keys = rows(tab.getSettingDefinitions()).flatMap((r) => (r.control ? [r.control.key] : []));
      // The oracle is the settings object itself: each of its fields must be reachable from the tab.
      expect(new Set(keys.map((k) => (k.startsWith('column:') ? 'ruleColumns' : k)))).toEqual(new Set(Object.keys(DEFAULT_PLUGIN_SETTINGS)));
      expect(tab.getControlValue('ruleFolders')).toBe('Rules\nVendor/Sigma');
      expect(tab.getControlValue('ruleTags')).toBe('sigma');
      expect(tab.getControlValue('testFolders')).toBe(DEFAULT_PLUGIN_SETTINGS.testFolders.join('\n'));
      expect(tab.getControlValue('rollUp')).toBe(false);
      expect(tab.getControlValue('dataviewTakeover')).toBe(false);
      expect(['status', 'level', 'logsource', 'vendor'].map((c) => tab.getControlValue(`column:${c}`))).toEqual([false, true, false, true]);
    });

    test('the rows are the ones display() draws, in the same order', async () => {
      const { app } = await start(pythonVault());
      const tab = declarative(app);
      const drawn = [...tab.containerEl.querySelectorAll('.setting-item:not(.setting-item-heading) .setting-item-name')].map((n) => n.textContent);
      expect(rows(tab.getSettingDefinitions()).map((r) => r.name)).toEqual(drawn);
    });

    test('a list typed into a control is shown as typed, then saved and applied after a pause', async () => {
      const files = pythonVault();
      files['Vendor rules/python_inline.md'] = UNFILED;
      const { app } = await start(files, { open: PYTHON });
      const tab = declarative(app);
      await tab.setControlValue('ruleFolders', 'Detection Rules\n/Vendor rules//');
      expect(tab.getControlValue('ruleFolders')).toBe('Detection Rules\n/Vendor rules//');
      expect((app._pluginData.get(MANIFEST.id) as { ruleFolders?: string[] } | undefined)?.ruleFolders).toBeUndefined();
      await advance(400 + REFRESH_MS + 10);
      expect((app._pluginData.get(MANIFEST.id) as { ruleFolders: string[] }).ruleFolders).toEqual(['Detection Rules', 'Vendor rules']);
      expect(tab.getControlValue('ruleFolders')).toBe('Detection Rules\nVendor rules');
      expect(ruleTitles(pane(app))).toContain('Python Inline Command Execution');
    });

    test('closing the tab saves what was typed without waiting', async () => {
      const { app } = await start(pythonVault());
      const tab = declarative(app);
      await tab.setControlValue('ignoreFolders', 'Archive');
      tab.hide();
      await advance(0);
      expect((app._pluginData.get(MANIFEST.id) as { ignoreFolders: string[] }).ignoreFolders).toEqual(['Archive']);
    });

    test('column toggles keep the table order whatever order they are flipped in', async () => {
      const { app } = await start(pythonVault(), { open: PYTHON, pluginData: { [MANIFEST.id]: { ruleColumns: [] } } });
      const tab = declarative(app);
      for (const c of ['vendor', 'status', 'logsource']) await tab.setControlValue(`column:${c}`, true);
      expect((app._pluginData.get(MANIFEST.id) as { ruleColumns: string[] }).ruleColumns).toEqual(['status', 'logsource', 'vendor']);
      await advance(REFRESH_MS + 10);
      expect([...pane(app).querySelectorAll('.attack-coverage-rules thead th')].map((th) => th.textContent)).toEqual(['Rule', 'Status', 'Log source', 'Vendor']);
    });
  });

  test('a folder entry that could never hold an indexed note is refused with a reason, in both renderings', async () => {
    const { app } = await start(pythonVault());
    const tab = declarative(app);
    const validate = rows(tab.getSettingDefinitions()).find((r) => r.name === 'Rule folders')?.control?.validate;
    // Any name goes, even of a folder not created yet; so do spaces, commas and a leading "/".
    expect(validate?.('Detection Rules\nSigma, converted\n/Vendor/Not yet made/')).toBeFalsy();
    expect(validate?.('Detection Rules\n.obsidian')).toMatch(/"\.obsidian" is hidden/);
    expect(validate?.('Rules/.archive/old')).toMatch(/"Rules\/\.archive\/old" is hidden/);
    expect(validate?.('../Rules')).toMatch(/"\.\.\/Rules" is not a folder path/);
    expect(validate?.('Rules/*')).toMatch(/"Rules\/\*" is a pattern/);
    expect(validate?.('C:\\Users\\me\\Vault\\Rules')).toMatch(/"C:\/Users\/me\/Vault\/Rules" is a path on the disk/);
    const check = (name: string, text: string): unknown => rows(tab.getSettingDefinitions()).find((r) => r.name === name)?.control?.validate?.(text);
    for (const name of ['Technique folders', 'Test folders', 'Ignored folders']) expect(check(name, 'Rules/**')).toMatch(/is a pattern/);
    expect(check('Technique folders', '.trash')).toMatch(/is hidden/);
    // Ignoring a folder Obsidian does not index anyway is harmless: the default list does it.
    expect(check('Ignored folders', DEFAULT_PLUGIN_SETTINGS.ignoreFolders.join('\n'))).toBeFalsy();
    expect(DEFAULT_PLUGIN_SETTINGS.ignoreFolders).toContain('.trash');
    for (const item of rows(tab.getSettingDefinitions())) {
      const key = item.control?.key as keyof typeof DEFAULT_PLUGIN_SETTINGS | undefined;
      const value = key && DEFAULT_PLUGIN_SETTINGS[key];
      if (Array.isArray(value)) expect([item.name, item.control?.validate?.(value.join('\n'))]).toEqual([item.name, undefined]);
    }

    const root = tab.containerEl;
    type(root, 'Rule folders', 'Detection Rules/**');
    await advance(400 + REFRESH_MS + 10);
    expect(settingNamed(root, 'Rule folders').querySelector('.attack-coverage-setting-problem')?.textContent).toMatch(/is a pattern/);
    expect((app._pluginData.get(MANIFEST.id) as { ruleFolders?: string[] } | undefined)?.ruleFolders).toBeUndefined();
    type(root, 'Rule folders', 'Detection Rules');
    await advance(400 + REFRESH_MS + 10);
    expect(settingNamed(root, 'Rule folders').querySelector('.attack-coverage-setting-problem')?.textContent).toBe('');
    expect((app._pluginData.get(MANIFEST.id) as { ruleFolders: string[] }).ruleFolders).toEqual(['Detection Rules']);
  });

  test('a role tag Obsidian could never match is refused with a reason, in both renderings', async () => {
    const { app } = await start(pythonVault());
    const tab = declarative(app);
    const validate = rows(tab.getSettingDefinitions()).find((r) => r.name === 'Rule tags')?.control?.validate;
    expect(validate?.('detection_rule\nrules/sigma\n#T1059_006')).toBeFalsy();
    for (const bad of ['detection rule', '2024', 'rule!']) expect(validate?.(`detection_rule\n${bad}`)).toMatch(new RegExp(`"${bad}" is not a tag`));

    const root = tab.containerEl;
    type(root, 'Rule tags', 'detection rule');
    await advance(400 + REFRESH_MS + 10);
    expect(settingNamed(root, 'Rule tags').querySelector('.attack-coverage-setting-problem')?.textContent).toMatch(/"detection rule" is not a tag/);
    expect((app._pluginData.get(MANIFEST.id) as { ruleTags?: string[] } | undefined)?.ruleTags).toBeUndefined();
    type(root, 'Rule tags', 'detection_rule\nsigma');
    await advance(400 + REFRESH_MS + 10);
    expect(settingNamed(root, 'Rule tags').querySelector('.attack-coverage-setting-problem')?.textContent).toBe('');
    expect((app._pluginData.get(MANIFEST.id) as { ruleTags: string[] }).ruleTags).toEqual(['detection_rule', 'sigma']);
  });
});
