/**
 * @jest-environment jsdom
 *
 * The pane and blocks follow the vault live: edits, new notes, renames and deletes show within the
 * debounce; hidden views wait; an unchanged result leaves the DOM alone.
 */
import { REFRESH_MS } from '../../src/obsidian/constants';
import { APPLOCKER_RULE, EMBEDDED_ONLY, PYTHON, PYTHON_RULE, advance, pane, paneView, pythonVault, ruleTitles, start } from './helpers';

beforeEach(() => jest.useFakeTimers());
afterEach(() => {
  jest.useRealTimers();
  document.body.replaceChildren();
});

const NEW_RULE = `---
title: "Python Reverse Shell"
status: "stable"
tags: [execution, t1059_006, detection_rule]
logsrc_product: "linux"
logsrc_service: ""
level: "critical"
---

## Python Reverse Shell
`;

function levelOf(root: Element, title: string): string | undefined {
  const row = [...root.querySelectorAll('.attack-coverage-rules tbody tr')].find((tr) => tr.querySelector('td a')?.textContent === title);
  return row?.querySelector('.attack-coverage-level')?.textContent ?? undefined;
}

describe('edits', () => {
  test('a changed rule shows in the pane within the debounce (well under 300 ms)', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON });
    const title = 'Python One-Liners with Base64 Decoding - Linux';
    expect(levelOf(pane(app), title)).toBe('high');
    const file = app.vault.getFileByPath(PYTHON_RULE)!;
    await app.vault.process(file, (t) => t.replace('level: "high"', 'level: "critical"'));
    await advance(REFRESH_MS - 10);
    expect(levelOf(pane(app), title)).toBe('high'); // still debouncing
    await advance(20);
    expect(levelOf(pane(app), title)).toBe('critical');
    expect(REFRESH_MS).toBeLessThanOrEqual(150);
  });

  test('a new rule note appears, grouped and counted', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON });
    await app.vault.create('Detection Rules/python_reverse_shell.md', NEW_RULE);
    await advance(REFRESH_MS + 10);
    const root = pane(app);
    expect(ruleTitles(root)).toContain('Python Reverse Shell');
    // No embedded rule and no `vendor:` key: its own group, after the larger one.
    expect([...root.querySelectorAll('.attack-coverage-rules .attack-coverage-group')].map((g) => g.textContent)).toEqual(['Sigma · 5', 'Unknown vendor · 1']);
    expect(root.querySelector('.attack-coverage-rules .attack-coverage-count')?.textContent).toBe('6');
  });

  test('a rule that stops naming the technique disappears; "only experimental" gap appears when it is so', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON });
    // Leave only experimental rules by turning the two "test" rules into notes about another technique.
    for (const p of [APPLOCKER_RULE, 'Detection Rules/proc_creation_win_susp_file_characteristics.md']) {
      await app.vault.process(app.vault.getFileByPath(p)!, (t) => t.replace(/t1059_006/gi, 't1027').replace(/attack\.t1059\.006/gi, 'attack.t1027'));
    }
    await advance(REFRESH_MS + 10);
    const root = pane(app);
    expect(ruleTitles(root)).not.toContain('AppLocker Prevented Application or Script from Running');
    expect([...root.querySelectorAll('.attack-coverage-gaps li')].map((li) => li.textContent)).toContain('Only experimental rules');
  });

  test('an unrelated change does not touch the DOM; a relevant one swaps it in one step', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON });
    const table = pane(app).querySelector('table')!;
    const observed: MutationRecord[] = [];
    const mo = new MutationObserver((m) => observed.push(...m));
    mo.observe(pane(app), { childList: true, subtree: true, characterData: true });
    await app.vault.create('Notes/shopping.md', '# Shopping\nmilk\n');
    await advance(REFRESH_MS + 10);
    await Promise.resolve();
    expect(table.isConnected).toBe(true);
    expect(mo.takeRecords().length + observed.length).toBe(0);

    await app.vault.create('Detection Rules/python_reverse_shell.md', NEW_RULE);
    await advance(REFRESH_MS + 10);
    const records = [...observed, ...mo.takeRecords()];
    mo.disconnect();
    expect(table.isConnected).toBe(false);
    // One swap: the pane's own child list was replaced once, nothing was emptied first.
    const top = records.filter((r) => r.target === pane(app));
    expect(top).toHaveLength(1);
    expect(top[0]!.addedNodes.length).toBeGreaterThan(0);
  });

  test('a hidden pane does not redraw, and catches up when shown', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON });
    app.workspace.rightSplit.collapse();
    await app.vault.create('Detection Rules/python_reverse_shell.md', NEW_RULE);
    await advance(REFRESH_MS + 10);
    expect(ruleTitles(pane(app))).not.toContain('Python Reverse Shell');
    app.workspace.rightSplit.expand();
    app.workspace.trigger('layout-change');
    await advance(REFRESH_MS + 10);
    expect(ruleTitles(pane(app))).toContain('Python Reverse Shell');
  });

  test('the pane follows the active note, debounced', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON });
    await app.workspace.openFile(PYTHON_RULE);
    await advance(100);
    expect(pane(app).querySelector('.attack-coverage-kind')?.textContent).toBe('Detection rule');
    expect(paneView(app).notePath).toBe(PYTHON_RULE);
    // Focus moving to the sidebar (no active file) keeps the note.
    app.workspace.setActiveLeaf(app.workspace.getLeavesOfType('attack-coverage-pane')[0]!);
    await advance(100);
    expect(paneView(app).notePath).toBe(PYTHON_RULE);
  });

  test('an edit shows in an attack-coverage block in the open note', async () => {
    const files = pythonVault();
    files['Notes/Python review.md'] = '# Review\n\n```attack-coverage\ntechnique: T1059.006\nshow: rules\n```\n';
    const { app } = await start(files, { open: 'Notes/Python review.md' });
    const block = (): Element => app.workspace.rootSplit.el.querySelector('.block-language-attack-coverage')!;
    expect(ruleTitles(block())).toHaveLength(5);
    await app.vault.create('Detection Rules/python_reverse_shell.md', NEW_RULE);
    await advance(REFRESH_MS + 10);
    expect(ruleTitles(block())).toContain('Python Reverse Shell');
  });
});

describe('renames', () => {
  test('a renamed rule keeps its place and its link follows the new path', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON });
    await app.vault.rename(app.vault.getFileByPath(PYTHON_RULE)!, 'Detection Rules/linux/python_b64.md');
    await advance(REFRESH_MS + 10);
    const link = [...pane(app).querySelectorAll('a.internal-link')].find((a) => a.textContent === 'Python One-Liners with Base64 Decoding - Linux');
    expect(link?.getAttribute('data-href')).toBe('Detection Rules/linux/python_b64.md');
  });

  test('a rule moved out of the rule folder (and not tagged as a rule) stops counting', async () => {
    const files = pythonVault();
    files['Detection Rules/untagged.md'] = '---\ntitle: "Untagged python rule"\ntags: [t1059_006]\n---\n# Untagged python rule\n';
    const { app } = await start(files, { open: PYTHON });
    expect(ruleTitles(pane(app))).toContain('Untagged python rule');
    await app.vault.rename(app.vault.getFileByPath('Detection Rules/untagged.md')!, 'Archive/untagged.md');
    await advance(REFRESH_MS + 10);
    expect(ruleTitles(pane(app))).not.toContain('Untagged python rule');
  });

  test('a note in a technique folder that carries no technique ID is read: its embedded rule makes it a rule, as in the CLI', async () => {
    const files = pythonVault();
    files['Use Cases/python_webshell.md'] = EMBEDDED_ONLY;
    const { app } = await start(files, { open: PYTHON });
    expect(ruleTitles(pane(app))).toContain('Python Spawned by a Web Server');
  });

  test('a rule note moved out of a technique folder has its embedded rule read', async () => {
    // In a technique folder with an ID in its name, the note is a technique note whatever its body holds,
    // so the body is not read; only the embedded Sigma rule says what it is once moved.
    const files = pythonVault();
    files['Use Cases/T1059.006 - Python webshell.md'] = EMBEDDED_ONLY;
    const { app } = await start(files, { open: PYTHON });
    expect(ruleTitles(pane(app))).not.toContain('Python Spawned by a Web Server');
    await app.vault.rename(app.vault.getFileByPath('Use Cases/T1059.006 - Python webshell.md')!, 'Detection Rules/python_webshell.md');
    await advance(REFRESH_MS + 10);
    expect(ruleTitles(pane(app))).toContain('Python Spawned by a Web Server');
    expect(levelOf(pane(app), 'Python Spawned by a Web Server')).toBe('critical');
  });

  test('renaming the shown note keeps the pane on it', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON });
    await app.vault.rename(app.vault.getFileByPath(PYTHON)!, 'Use Cases/T1059.006 - Python.md');
    await advance(REFRESH_MS + 10);
    expect(paneView(app).notePath).toBe('Use Cases/T1059.006 - Python.md');
    expect(pane(app).querySelector('.attack-coverage-id')?.textContent).toBe('T1059.006');
    expect(ruleTitles(pane(app))).toHaveLength(5);
  });
  test('the shown note renamed to another extension is no longer read as a note', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON_RULE });
    const read = jest.spyOn(app.vault, 'cachedRead');
    await app.vault.rename(app.vault.getFileByPath(PYTHON_RULE)!, 'Detection Rules/python_b64.txt');
    await advance(REFRESH_MS + 10);
    expect(paneView(app).notePath).toBeNull();
    expect(pane(app).textContent).toBe('Open a note to see its ATT&CK coverage.');
    expect(read.mock.calls.map(([f]) => f.path)).not.toContain('Detection Rules/python_b64.txt');
  });
});

describe('deletes', () => {
  test('a deleted rule disappears from the pane', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON });
    await app.vault.delete(app.vault.getFileByPath(PYTHON_RULE)!);
    await advance(REFRESH_MS + 10);
    expect(ruleTitles(pane(app))).not.toContain('Python One-Liners with Base64 Decoding - Linux');
    expect(pane(app).querySelector('.attack-coverage-rules .attack-coverage-count')?.textContent).toBe('4');
  });

  test('deleting the shown note says so instead of showing stale coverage', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON_RULE });
    await app.vault.delete(app.vault.getFileByPath(PYTHON_RULE)!);
    await advance(REFRESH_MS + 10);
    expect(pane(app).textContent).toMatch(/no longer exists/);
  });

  test('deleting every rule states the gap plainly', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON });
    for (const f of app.vault.getMarkdownFiles().filter((f) => f.path.startsWith('Detection Rules/'))) await app.vault.delete(f);
    await advance(REFRESH_MS + 10);
    expect([...pane(app).querySelectorAll('.attack-coverage-gaps li')].map((li) => li.textContent)).toEqual(['No rules']);
    expect(pane(app).querySelector('.attack-coverage-rules')?.textContent).toContain('No detection rule covers T1059.006.');
  });
});
