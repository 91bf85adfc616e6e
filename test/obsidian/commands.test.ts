/**
 * @jest-environment jsdom
 *
 * Command palette entries: names, availability and what they do.
 */
import { VIEW_TYPE_COVERAGE } from '../../src/obsidian/constants';
import { FakeEditor } from '../__obsidian_shim__/fake-app';
import { Notice } from '../__obsidian_shim__/obsidian';
import { APPLOCKER_RULE, MANIFEST, PYTHON, advance, command, pane, paneView, pythonVault, start } from './helpers';

beforeEach(() => jest.useFakeTimers());
afterEach(() => {
  jest.useRealTimers();
  document.body.replaceChildren();
});

describe('commands', () => {
  test('our five commands first; no default hotkeys, no plugin id in ids, no "command" in ids', async () => {
    const { app } = await start(pythonVault(), { userEnable: false });
    const all = app.commands.listCommands().filter((c) => c.id.startsWith(`${MANIFEST.id}:`));
    const names = all.map((c) => c.name.replace(`${MANIFEST.name}: `, ''));
    expect(names.slice(0, 5)).toEqual([
      'Open coverage pane',
      'Show coverage for current note',
      'Insert coverage block',
      'Rebuild index',
      'Copy technique ID of current note',
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

  test('show coverage for current note: only with a note open', async () => {
    const { app } = await start(pythonVault(), { userEnable: false });
    expect(app.commands.isAvailable(command(app, 'show-current-note'))).toBe(false);
    await app.workspace.openFile(APPLOCKER_RULE);
    expect(app.commands.executeCommandById(command(app, 'show-current-note'))).toBe(true);
    await advance(200);
    expect(paneView(app).notePath).toBe(APPLOCKER_RULE);
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

  test('rebuild index: re-reads the vault and says how many notes', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON });
    app.commands.executeCommandById(command(app, 'rebuild-index'));
    await advance(300);
    expect(Notice.shown.at(-1)).toMatch(/^ATT&CK coverage: index rebuilt, \d+ notes\.$/);
    expect(pane(app).querySelector('.attack-coverage-id')?.textContent).toBe('T1059.006');
  });
});
