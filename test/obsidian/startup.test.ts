/**
 * @jest-environment jsdom
 */
import AttackCoveragePlugin from '../../src/main';
import { VIEW_TYPE_COVERAGE } from '../../src/obsidian/constants';
import { FakeApp } from '../__obsidian_shim__/fake-app';
import { MarkdownPreviewRenderer } from '../__obsidian_shim__/obsidian';
import { EMBEDDED_ONLY, MANIFEST, PYTHON, PYTHON_RULE, advance, pane, pythonVault, ruleTitles, start } from './helpers';

beforeEach(() => jest.useFakeTimers());
afterEach(() => {
  jest.useRealTimers();
  document.body.replaceChildren();
});

const REVERSE_SHELL = `---
title: "Python Reverse Shell"
status: "stable"
tags: [execution, t1059_006, detection_rule]
level: "critical"
---

## Python Reverse Shell
`;

describe('start-up', () => {
  test('cold until layout-ready, "Indexing…" while indexing, then the coverage of the open note', async () => {
    const { app, plugin } = await start(pythonVault(), { open: PYTHON, ready: false });
    const indexer = (plugin as unknown as { ctx: { indexer: { state: string } } }).ctx.indexer;
    expect(indexer.state).toBe('cold');
    // Vault events of the start-up were not seen: nothing is indexed before layout-ready.
    expect(app.workspace.getLeavesOfType(VIEW_TYPE_COVERAGE)).toHaveLength(0);

    app.layoutReady();
    await Promise.resolve();
    expect(indexer.state).toBe('indexing');
    await advance(0);
    // The pane opened on first enable, and says it is indexing rather than showing an empty table.
    expect(pane(app).textContent).toMatch(/Indexing the vault…/);
    expect(pane(app).querySelector('table')).toBeNull();

    await advance(300);
    expect(indexer.state).toBe('ready');
    const root = pane(app);
    expect(root.querySelector('.attack-coverage-title')?.textContent).toContain('T1059.006');
    expect(ruleTitles(root)).toContain('Python One-Liners with Base64 Decoding - Linux');
    expect(root.textContent).not.toMatch(/Indexing/);
  });

  test('the pane opens on first enable only, and the plugin registers its block language', async () => {
    const { app } = await start(pythonVault(), { userEnable: false });
    expect(app.workspace.getLeavesOfType(VIEW_TYPE_COVERAGE)).toHaveLength(0);
    expect(Object.keys(MarkdownPreviewRenderer.codeBlockPostProcessors)).toContain('attack-coverage');
  });

  test('notes whose metadata is not ready at layout-ready are indexed when it arrives', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON, unparsed: ['Detection Rules/proc_creation_lnx_python_base64_encoded_execution.md'] });
    expect(ruleTitles(pane(app))).not.toContain('Python One-Liners with Base64 Decoding - Linux');
    app.metadataCache._finishParsing();
    await advance(300);
    expect(ruleTitles(pane(app))).toContain('Python One-Liners with Base64 Decoding - Linux');
  });

  test('notes whose stored metadata arrives while the first pass runs are indexed when it ends', async () => {
    // Read first, so that its cache is found missing before the pass waits on the rule notes' text.
    const late = 'Detection Rules/python_reverse_shell.md';
    const files = { [late]: REVERSE_SHELL, ...pythonVault() };
    const { app } = await start(files, { open: PYTHON, unparsed: [late], ready: false });
    const read = app.vault.cachedRead.bind(app.vault);
    const held: Array<() => void> = [];
    const spy = jest.spyOn(app.vault, 'cachedRead').mockImplementation((f) => new Promise((resolve) => held.push(() => resolve(read(f)))));
    app.layoutReady();
    await advance(0);
    expect(held.length).toBeGreaterThan(0);
    // Obsidian finishes loading its metadata (no `changed`: the note did not change) and says `resolved`.
    app.metadataCache._finishLoadingStored();
    spy.mockRestore();
    for (const h of held.splice(0)) h();
    await advance(300);
    expect(ruleTitles(pane(app))).toContain('Python Reverse Shell');
  });

  test('a note renamed before its stored metadata arrives is indexed under its new name when it does', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON, unparsed: [PYTHON_RULE] });
    const moved = 'Detection Rules/linux/python_b64.md';
    await app.vault.rename(app.vault.getFileByPath(PYTHON_RULE)!, moved);
    // Obsidian loads the note's unchanged metadata from its store: no `changed`, only `resolved`.
    app.metadataCache._finishLoadingStored();
    await advance(300);
    expect(ruleTitles(pane(app))).toContain('Python One-Liners with Base64 Decoding - Linux');
    expect(pane(app).querySelector(`a[data-href="${moved}"]`)).not.toBeNull();
  });

  test('a plugin disabled before the layout is ready does nothing once it is', async () => {
    const { app, plugin } = await start(pythonVault(), { ready: false });
    app.disablePlugin(plugin);
    const reads = jest.spyOn(app.vault, 'cachedRead');
    app.layoutReady();
    await advance(500);
    await app.vault.create('Detection Rules/late.md', EMBEDDED_ONLY);
    await advance(500);
    expect(reads).not.toHaveBeenCalled();
    // The dataview language is free for the Dataview plugin, should the user enable it.
    expect(MarkdownPreviewRenderer.codeBlockPostProcessors.dataview).toBeUndefined();
  });

  test('disabled with a note open that shows a block: the block stops listening too', async () => {
    const files = { ...pythonVault(), 'Notes/Review.md': '# Review\n\n```attack-coverage\ntechnique: T1059.006\n```\n' };
    const app = FakeApp.start(files);
    app.layoutReady();
    await app.workspace.openFile('Notes/Review.md');
    const events = ['rename', 'delete', 'modify', 'create'];
    const count = (): number[] => [...events.map((e) => app.vault.listenerCount(e)), ...['changed', 'resolved', 'deleted'].map((e) => app.metadataCache.listenerCount(e))];
    const before = count();
    const plugin = await app.enablePlugin(AttackCoveragePlugin, MANIFEST);
    await advance(500);
    await app.workspace.openFile('Notes/Review.md'); // drawn again, now with the block
    await advance(200);
    expect(ruleTitles(app.workspace.rootSplit.el.querySelector('.block-language-attack-coverage')!)).toHaveLength(5);
    app.disablePlugin(plugin);
    // Obsidian does not draw open notes again when a plugin stops: its blocks must let go by themselves.
    expect(count()).toEqual(before);
  });

  test('unloading cleans up: block languages are released and the pane leaf is left in place', async () => {
    const { app, plugin } = await start(pythonVault(), { open: PYTHON });
    app.disablePlugin(plugin);
    expect(MarkdownPreviewRenderer.codeBlockPostProcessors['attack-coverage']).toBeUndefined();
    expect(MarkdownPreviewRenderer.codeBlockPostProcessors.dataview).toBeUndefined();
    // Obsidian's guideline: never detach leaves in onunload.
    expect(app.workspace.getLeavesOfType(VIEW_TYPE_COVERAGE)).toHaveLength(1);
  });
});
