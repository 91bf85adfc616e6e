/**
 * @jest-environment jsdom
 *
 * Command palette entries: names, availability and what they do.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { escapeMarkdown } from '../../src/core/markdown';
import { VIEW_TYPE_COVERAGE } from '../../src/obsidian/constants';
import { FakeEditor } from '../__obsidian_shim__/fake-app';
import { Notice } from '../__obsidian_shim__/obsidian';
import { capture } from '../support/cli';
import { APPLOCKER_RULE, MANIFEST, PYTHON, advance, command, pane, paneView, pythonVault, start } from './helpers';

beforeEach(() => jest.useFakeTimers());
afterEach(() => {
  jest.useRealTimers();
  document.body.replaceChildren();
});

describe('commands', () => {
  test('our own commands first; no default hotkeys, no plugin id in ids, no "command" in ids', async () => {
    const { app } = await start(pythonVault(), { userEnable: false });
    const all = app.commands.listCommands().filter((c) => c.id.startsWith(`${MANIFEST.id}:`));
    const names = all.map((c) => c.name.replace(`${MANIFEST.name}: `, ''));
    expect(names.slice(0, 6)).toEqual([
      'Open coverage pane',
      'Show coverage for current note',
      'Insert coverage block',
      'Rebuild index',
      'Copy technique ID of current note',
      'Copy coverage summary as Markdown',
    ]);
    // The matrix, conversion and import commands are wired in too.
    expect(names).toEqual(expect.arrayContaining(['Open coverage matrix', 'Convert queries to coverage blocks in this note']));
    for (const c of all) {
      const local = c.id.slice(MANIFEST.id.length + 1);
      expect(local).not.toContain(MANIFEST.id);
      expect(local).not.toMatch(/command/);
      expect(c.name).not.toMatch(/ATT&CK Coverage:.*ATT&CK Coverage/);
      expect(c.hotkeys).toBeUndefined();
    }
  });

  test('open coverage pane: opens it once, in the right sidebar', async () => {
    const { app } = await start(pythonVault(), { userEnable: false, open: PYTHON });
    app.commands.executeCommandById(command(app, 'open-pane'));
    await advance(200);
    app.commands.executeCommandById(command(app, 'open-pane'));
    await advance(200);
    const leaves = app.workspace.getLeavesOfType(VIEW_TYPE_COVERAGE);
    expect(leaves).toHaveLength(1);
    expect(leaves[0]!.side).toBe('right');
    expect(pane(app).querySelector('.attack-coverage-id')?.textContent).toBe('T1059.006');
  });

  test('open coverage pane twice in quick succession (a double click): still one pane', async () => {
    const { app } = await start(pythonVault(), { userEnable: false, open: PYTHON });
    app.commands.executeCommandById(command(app, 'open-pane'));
    app.commands.executeCommandById(command(app, 'open-pane'));
    await advance(200);
    expect(app.workspace.getLeavesOfType(VIEW_TYPE_COVERAGE)).toHaveLength(1);
  });

  test('show coverage for current note: only with a note open', async () => {
    const { app } = await start(pythonVault(), { userEnable: false });
    expect(app.commands.isAvailable(command(app, 'show-current-note'))).toBe(false);
    await app.workspace.openFile(APPLOCKER_RULE);
    expect(app.commands.executeCommandById(command(app, 'show-current-note'))).toBe(true);
    await advance(200);
    expect(paneView(app).notePath).toBe(APPLOCKER_RULE);
  });

  test('copy coverage summary: the Markdown that scan --markdown prints for the same notes', async () => {
    const writeText = jest.fn((_: string) => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const files = pythonVault();
    // Before the first pass over the vault is done, nothing is copied.
    const cold = await start(files, { ready: false });
    cold.app.commands.executeCommandById(command(cold.app, 'copy-coverage-summary'));
    await advance(0);
    expect(writeText).not.toHaveBeenCalled();
    expect(Notice.shown.at(-1)).toMatch(/still being built/);
    const { app } = await start(files);
    expect(app.commands.executeCommandById(command(app, 'copy-coverage-summary'))).toBe(true);
    await advance(0);
    expect(Notice.shown.at(-1)).toBe('Copied the coverage summary');
    const copied = writeText.mock.calls.at(-1)?.[0] ?? '';
    // The CLI over the same notes written to disk; only the title line names the vault differently.
    const dir = mkdtempSync(join(tmpdir(), 'attack-coverage-copy-'));
    try {
      for (const [p, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, p)), { recursive: true });
        writeFileSync(join(dir, p), text);
      }
      const cli = await capture(['scan', dir, '--markdown']);
      expect(cli.code).toBe(0);
      const body = (s: string): string => s.trim().split('\n').slice(1).join('\n');
      expect(body(copied)).toBe(body(cli.stdout));
      expect(copied.split('\n')[0]).toBe(`## ATT&CK coverage: ${escapeMarkdown(app.vault.getName())} (ATT&CK 18.1)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('copy technique ID: the note\'s own ID, or a rule\'s IDs', async () => {
    const writeText = jest.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const { app } = await start(pythonVault(), { open: PYTHON });
    expect(app.commands.executeCommandById(command(app, 'copy-technique-id'))).toBe(true);
    await advance(0);
    expect(writeText).toHaveBeenLastCalledWith('T1059.006');
    expect(Notice.shown.at(-1)).toBe('Copied T1059.006');
    await app.workspace.openFile(APPLOCKER_RULE);
    app.commands.executeCommandById(command(app, 'copy-technique-id'));
    expect(writeText.mock.calls.at(-1)).toEqual([expect.stringMatching(/^T1204\.002, .*T1059\.006/)]);
    await app.vault.create('Notes/plain.md', '# Plain\n');
    await app.workspace.openFile('Notes/plain.md');
    expect(app.commands.isAvailable(command(app, 'copy-technique-id'))).toBe(false);
  });

  test('insert coverage block: at the cursor, naming the technique unless the note is the technique', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON });
    const view = app.workspace.activeLeaf!.view as unknown as { editor: FakeEditor };
    view.editor.cursor = 0;
    app.commands.executeCommandById(command(app, 'insert-block'));
    await advance(0);
    expect(app.vault._text(PYTHON).startsWith('```attack-coverage\nshow: [rules, tests, gaps]\n```\n---\n')).toBe(true);

    await app.workspace.openFile(APPLOCKER_RULE);
    const rule = app.workspace.activeLeaf!.view as unknown as { editor: FakeEditor };
    app.commands.executeCommandById(command(app, 'insert-block'));
    await advance(0);
    expect(rule.editor.getValue()).toMatch(/```attack-coverage\ntechnique: T1204\.002\nshow: \[rules, tests, gaps\]\n```\n$/);
  });

  test('insert coverage block before the first index pass: a technique note still gets no technique line', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON, ready: false });
    const view = app.workspace.activeLeaf!.view as unknown as { editor: FakeEditor };
    view.editor.cursor = 0;
    app.commands.executeCommandById(command(app, 'insert-block'));
    await advance(0);
    expect(app.vault._text(PYTHON).startsWith('```attack-coverage\nshow: [rules, tests, gaps]\n```\n---\n')).toBe(true);
  });

  test('insert coverage block after text on a line: the block starts a line of its own and renders', async () => {
    const files = { ...pythonVault(), 'Notes/Review.md': '# Review\nCoverage of Python:' };
    const { app } = await start(files, { open: 'Notes/Review.md' });
    app.commands.executeCommandById(command(app, 'insert-block'));
    await advance(0);
    expect(app.vault._text('Notes/Review.md')).toBe('# Review\nCoverage of Python:\n```attack-coverage\ntechnique: T1059\nshow: [rules, tests, gaps]\n```\n');
    expect(app.workspace.rootSplit.el.querySelector('.block-language-attack-coverage')).not.toBeNull();
  });

  test('rebuild index: re-reads the vault and says how many notes', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON });
    app.commands.executeCommandById(command(app, 'rebuild-index'));
    await advance(300);
    expect(Notice.shown.at(-1)).toMatch(/^ATT&CK coverage: index rebuilt, \d+ notes\.$/);
    expect(pane(app).querySelector('.attack-coverage-id')?.textContent).toBe('T1059.006');
  });

  test('rebuild index twice at once: one count, of every note', async () => {
    const files = pythonVault();
    const { app } = await start(files, { open: PYTHON });
    const before = Notice.shown.length;
    app.commands.executeCommandById(command(app, 'rebuild-index'));
    app.commands.executeCommandById(command(app, 'rebuild-index'));
    await advance(600);
    const counts = Notice.shown.slice(before).filter((m) => m.includes('index rebuilt'));
    const notes = Object.keys(files).filter((p) => p.endsWith('.md')).length;
    expect(counts).toEqual([`ATT&CK coverage: index rebuilt, ${notes} notes.`]);
  });
});
