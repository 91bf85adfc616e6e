/**
 * @jest-environment jsdom
 *
 * What the pane shows for each kind of note, and how its links and tables behave.
 */
import { HOVER_SOURCE, REFRESH_MS } from '../../src/obsidian/constants';
import { APPLOCKER_RULE, PYTHON, PYTHON_RULE, advance, command, pythonRunbook, pane, paneView, pythonVault, ruleTitles, start, testVault } from './helpers';

beforeEach(() => jest.useFakeTimers());
afterEach(() => {
  jest.useRealTimers();
  document.body.replaceChildren();
});

function rowTexts(table: Element, col: number): string[] {
  return [...table.querySelectorAll('tbody tr:not(.attack-coverage-group)')].map((tr) => tr.querySelectorAll('td')[col]?.textContent ?? '');
}

describe('technique note', () => {
  test('rules table: name links, status, level, log source, vendor; grouped by vendor with counts', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON });
    const table = pane(app).querySelector('.attack-coverage-rules table')!;
    expect([...table.querySelectorAll('thead th')].map((th) => th.textContent)).toEqual(['Rule', 'Status', 'Level', 'Log source', 'Vendor']);
    expect(table.querySelector('.attack-coverage-group')?.textContent).toBe('Sigma · 5');
    const row = [...table.querySelectorAll('tbody tr')].find((tr) => tr.textContent?.includes('Base64 Decoding - Linux'))!;
    expect([...row.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['Python One-Liners with Base64 Decoding - Linux', 'experimental', 'high', 'linux / process_creation', 'Sigma']);
    expect(row.querySelector('a')?.getAttribute('data-href')).toBe(PYTHON_RULE);
    expect(pane(app).querySelector('.attack-coverage-tests td a')?.getAttribute('data-href')).toBe(pythonRunbook());
    expect(pane(app).querySelector('.attack-coverage-tests td')?.textContent).toMatch(/^T1059\.006\b/);
    expect(rowTexts(pane(app).querySelector('.attack-coverage-tests table')!, 1)).toEqual(['4']);
  });

  test('a parent technique lists rolled-up rules marked with their sub-technique, 50 at a time', async () => {
    const { app } = await start(testVault(), { open: 'Use Cases/T1059 - Command and Scripting Interpreter.md' });
    const root = pane(app);
    expect(root.querySelector('.attack-coverage-summary')?.textContent).toMatch(/^\d+ rules \(\d+ from sub-techniques\)/);
    const via = [...root.querySelectorAll('.attack-coverage-rules .attack-coverage-via')].map((v) => v.textContent);
    expect(via.length).toBeGreaterThan(0);
    expect(via.every((v) => /^T1059\.\d{3}$/.test(v ?? ''))).toBe(true);
    // Direct rules come first, unmarked.
    const first = root.querySelector('.attack-coverage-rules tbody tr:not(.attack-coverage-group)')!;
    expect(first.querySelector('.attack-coverage-via')).toBeNull();
    expect(ruleTitles(root)).toHaveLength(50);
    const more = root.querySelector('.attack-coverage-more')!;
    expect(more.textContent).toMatch(/^\d+ more rules not shown/);
    more.querySelector('button')!.click();
    await advance(0);
    expect(ruleTitles(pane(app)).length).toBeGreaterThan(50);
    expect(pane(app).querySelector('.attack-coverage-more')).toBeNull();
  });

  test('a technique with rules only under its next-release ID says so', async () => {
    const files = pythonVault();
    files['Use Cases/T1562.001 - Impair Defenses- Disable or Modify Tools.md'] = '---\ntags: [T1562_001, techniques]\n---\n## Impair Defenses- Disable or Modify Tools\n';
    files['Detection Rules/new_id_rule.md'] = '---\ntitle: "Defender Disabled"\nstatus: "test"\nlevel: "high"\ntags: [defense_evasion, t1685, detection_rule]\nlogsrc_product: "windows"\n---\n## Defender Disabled\n';
    const { app } = await start(files, { open: 'Use Cases/T1562.001 - Impair Defenses- Disable or Modify Tools.md' });
    const root = pane(app);
    const succ = root.querySelector('.attack-coverage-successor');
    expect(succ?.querySelector('.attack-coverage-section-title')?.textContent).toMatch(/^Under T1685, its next-release ID/);
    expect([...succ!.querySelectorAll('tbody td a')].map((a) => a.textContent)).toEqual(['Defender Disabled']);
    expect([...root.querySelectorAll('.attack-coverage-gaps li')].map((li) => li.textContent)).toContain('No rules under this ID; 1 under its successor');
  });

  test('the summary line counts the rules and atomic tests filed under the next-release ID', async () => {
    const files = pythonVault();
    files['Use Cases/T1562.001 - Impair Defenses- Disable or Modify Tools.md'] = '---\ntags: [T1562_001, techniques]\n---\n## Impair Defenses- Disable or Modify Tools\n';
    files['Detection Rules/new_id_rule.md'] = '---\ntitle: "Defender Disabled"\ntags: [t1685, detection_rule]\n---\n## Defender Disabled\n';
    const sections = ['## Atomic Test #1 - Stop the service', '## Atomic Test #2 - Unload the driver'];
    files['Testing Runbooks/T1685 - Disable or Modify Tools (Atomic tests).md'] = `---\ntags: [T1685, atomic_test]\n---\n${sections.join('\n\nx\n\n')}\n`;
    const { app } = await start(files, { open: 'Use Cases/T1562.001 - Impair Defenses- Disable or Modify Tools.md' });
    expect(pane(app).querySelector('.attack-coverage-summary')?.textContent).toBe(
      `0 rules (1 under its successor) · 0 atomic tests (${sections.length} under its successor)`,
    );
  });

  test('revoked and deprecated IDs are flagged', async () => {
    const files = { 'Use Cases/T1086 - PowerShell.md': '---\ntags: [T1086, techniques]\n---\n## PowerShell\n' };
    const { app } = await start(files, { open: 'Use Cases/T1086 - PowerShell.md' });
    const badge = pane(app).querySelector('.attack-coverage-badge');
    expect(badge?.textContent).toMatch(/^(Revoked|Deprecated)/);
    expect(pane(app).querySelector('.attack-coverage-gaps')?.textContent).toMatch(/(revoked|deprecated)/i);
  });
});

describe('other kinds of note', () => {
  test('a rule note: the techniques it covers, the other rules and tests for each', async () => {
    const { app } = await start(pythonVault(), { open: APPLOCKER_RULE });
    const root = pane(app);
    expect(root.querySelector('.attack-coverage-meta')?.textContent).toBe('Sigma · test · medium · windows / applocker');
    const covered = [...root.querySelectorAll('details.attack-coverage-covered')];
    expect(covered.map((d) => d.getAttribute('data-technique'))).toContain('T1059.006');
    const py = covered.find((d) => d.getAttribute('data-technique') === 'T1059.006')!;
    expect(py.querySelector('summary a')?.getAttribute('data-href')).toBe(PYTHON);
    expect(ruleTitles(py)).not.toContain('AppLocker Prevented Application or Script from Running');
    expect(ruleTitles(py)).toHaveLength(4);
    expect(py.querySelector('.attack-coverage-tests a')?.getAttribute('data-href')).toBe(pythonRunbook());
  });

  test('a test note: its technique and the rules that cover it', async () => {
    const { app } = await start(pythonVault(), { open: pythonRunbook() });
    const root = pane(app);
    expect(root.querySelector('.attack-coverage-meta')?.textContent).toBe('4 atomic tests in this note');
    expect(root.querySelector('.attack-coverage-technique .attack-coverage-title a')?.getAttribute('data-href')).toBe(PYTHON);
    expect(ruleTitles(root)).toHaveLength(5);
  });

  test('any other note: the IDs it mentions in frontmatter, tags and text, one line each', async () => {
    const files = pythonVault();
    files['Notes/Threat report.md'] = '---\ntags: [T1059_006]\nsource: https://attack.mitre.org/techniques/T1027/\n---\n# Report\nThe actor ran T1059.001 and T9999.\n';
    const { app } = await start(files, { open: 'Notes/Threat report.md' });
    const items = [...pane(app).querySelectorAll('.attack-coverage-mentions > li')];
    expect(items.map((li) => li.getAttribute('data-technique'))).toEqual(['T1027', 'T1059.006', 'T1059.001', 'T9999']);
    const line = (id: string): string => items.find((li) => li.getAttribute('data-technique') === id)!.textContent ?? '';
    expect(line('T1059.006')).toMatch(/5 rules · 4 atomic tests in 1 note · in tags/);
    expect(line('T1027')).toMatch(/in frontmatter/);
    expect(line('T9999')).toMatch(/Not in ATT&CK/);
    expect(line('T9999')).toMatch(/No rules · No tests/);
  });

  test('no note open yet: a plain prompt', async () => {
    const { app } = await start(pythonVault());
    expect(pane(app).textContent).toBe('Open a note to see its ATT&CK coverage.');
  });

  test('opened while a PDF is active: the prompt, and the file is not read as a note', async () => {
    const files = pythonVault();
    files['Reports/intrusion.pdf'] = '%PDF-1.7 ... the actor used T1059.006 and T1566.001 ...';
    const { app } = await start(files, { userEnable: false });
    await app.workspace.openFile('Reports/intrusion.pdf');
    const read = jest.spyOn(app.vault, 'cachedRead');
    app.commands.executeCommandById(command(app, 'open-pane'));
    await advance(200);
    expect(pane(app).textContent).toBe('Open a note to see its ATT&CK coverage.');
    expect(read.mock.calls.map(([f]) => f.path)).not.toContain('Reports/intrusion.pdf');
    // The next note opened is followed as usual.
    await app.workspace.openFile(PYTHON);
    await advance(100);
    expect(pane(app).querySelector('.attack-coverage-id')?.textContent).toBe('T1059.006');
  });
});

describe('links', () => {
  test('click opens the note; the pane follows to it', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON });
    const link = pane(app).querySelector<HTMLAnchorElement>(`a[data-href="${PYTHON_RULE}"]`)!;
    link.click();
    await advance(100);
    expect(app.opened.at(-1)).toEqual({ linktext: PYTHON_RULE, sourcePath: PYTHON, newLeaf: false });
    expect(app.workspace.getActiveFile()?.path).toBe(PYTHON_RULE);
    expect(paneView(app).notePath).toBe(PYTHON_RULE);
  });

  test('modifier-click opens a new tab', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON });
    const link = pane(app).querySelector<HTMLAnchorElement>(`a[data-href="${PYTHON_RULE}"]`)!;
    link.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, ctrlKey: true }));
    await advance(100);
    expect(app.opened.at(-1)?.newLeaf).toBe('tab');
    expect(app.workspace.getLeavesOfType('markdown')).toHaveLength(2);
  });

  test('middle click opens a new tab, as Obsidian links do; other buttons do nothing', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON });
    const link = pane(app).querySelector<HTMLAnchorElement>(`a[data-href="${PYTHON_RULE}"]`)!;
    const right = new MouseEvent('auxclick', { bubbles: true, cancelable: true, button: 2 });
    link.dispatchEvent(right);
    expect(right.defaultPrevented).toBe(false); // the context menu stays the browser's business
    expect(app.opened).toHaveLength(0);
    const middle = new MouseEvent('auxclick', { bubbles: true, cancelable: true, button: 1 });
    link.dispatchEvent(middle);
    await advance(100);
    expect(middle.defaultPrevented).toBe(true);
    expect(app.opened.at(-1)).toEqual({ linktext: PYTHON_RULE, sourcePath: PYTHON, newLeaf: 'tab' });
    expect(app.workspace.getLeavesOfType('markdown')).toHaveLength(2);
  });

  test('hover asks Obsidian for a page preview from our registered source', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON });
    expect(app._hoverLinkSources.get(HOVER_SOURCE)).toEqual({ display: 'ATT&CK coverage', defaultMod: true });
    const hovers: Array<{ source: string; linktext: string; targetEl: Element; hoverParent: unknown }> = [];
    app.workspace.on('hover-link', (info: (typeof hovers)[number]) => hovers.push(info));
    const link = pane(app).querySelector<HTMLAnchorElement>(`a[data-href="${PYTHON_RULE}"]`)!;
    link.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
    expect(hovers).toHaveLength(1);
    expect(hovers[0]).toMatchObject({ source: HOVER_SOURCE, linktext: PYTHON_RULE, targetEl: link, hoverParent: paneView(app) });
  });

  test('keyboard reachable: links have an href, sort headers are buttons', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON });
    const links = [...pane(app).querySelectorAll('a.internal-link')];
    expect(links.length).toBeGreaterThan(0);
    expect(links.every((a) => a.hasAttribute('href'))).toBe(true);
    expect([...pane(app).querySelectorAll('.attack-coverage-panel thead th')].every((th) => th.querySelector('button[type="button"]'))).toBe(true);
  });
});

describe('sorting', () => {
  test('clicking a header sorts by it (severity order for level), again reverses; aria-sort says so', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON });
    const table = (): Element => pane(app).querySelector('.attack-coverage-rules table')!;
    const header = (key: string): HTMLElement => table().querySelector(`th[data-key="${key}"]`)!;
    expect(header('level').hasAttribute('aria-sort')).toBe(false);
    header('level').querySelector('button')!.click();
    expect(header('level').getAttribute('aria-sort')).toBe('ascending');
    expect(rowTexts(table(), 2)).toEqual(['high', 'high', 'medium', 'medium', 'medium']);
    header('level').querySelector('button')!.click();
    expect(header('level').getAttribute('aria-sort')).toBe('descending');
    expect(rowTexts(table(), 2)).toEqual(['medium', 'medium', 'medium', 'high', 'high']);
    header('title').querySelector('button')!.click();
    expect(header('level').hasAttribute('aria-sort')).toBe(false);
    const titles = rowTexts(table(), 0);
    expect(titles).toEqual([...titles].sort((a, b) => a.localeCompare(b)));
  });

  test('the sort survives a live redraw', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON });
    pane(app).querySelector<HTMLElement>('.attack-coverage-rules th[data-key="level"] button')!.click();
    await app.vault.process(app.vault.getFileByPath(APPLOCKER_RULE)!, (t) => t.replace('level: "medium"', 'level: "critical"'));
    await advance(REFRESH_MS + 10);
    const table = pane(app).querySelector('.attack-coverage-rules table')!;
    expect(table.querySelector('th[data-key="level"]')?.getAttribute('aria-sort')).toBe('ascending');
    expect(rowTexts(table, 2)[0]).toBe('critical');
  });
});

describe('attack-coverage block', () => {
  test('filters, limit and "N more rules not shown"', async () => {
    const files = pythonVault();
    files['Notes/Review.md'] = '# Review\n\n```attack-coverage\ntechnique: T1059.006\nstatus: [experimental, test]\nsort: level\nlimit: 2\n```\n';
    const { app } = await start(files, { open: 'Notes/Review.md' });
    const block = app.workspace.rootSplit.el.querySelector('.block-language-attack-coverage')!;
    expect(ruleTitles(block)).toHaveLength(2);
    expect(rowTexts(block.querySelector('.attack-coverage-rules table')!, 2)).toEqual(['high', 'high']);
    expect(block.querySelector('.attack-coverage-more')?.textContent).toMatch(/^3 more rules not shown/);
    block.querySelector<HTMLButtonElement>('.attack-coverage-more button')!.click();
    expect(ruleTitles(block)).toHaveLength(5);
  });

  test('view: gaps and view: matrix blocks draw the gap lists and the matrix', async () => {
    const files = pythonVault();
    files['Notes/Gaps.md'] = '# Gaps\n\n```attack-coverage\nview: gaps\n```\n\n```attack-coverage\nview: matrix\ntactics: execution\n```\n';
    const { app } = await start(files, { open: 'Notes/Gaps.md' });
    const [gaps, matrix] = [...app.workspace.rootSplit.el.querySelectorAll('.block-language-attack-coverage')];
    expect(gaps!.textContent).toMatch(/T1059\.008/); // a technique note with neither rules nor tests
    expect(matrix!.querySelector('.acm-matrix')).not.toBeNull();
    expect(matrix!.textContent).toContain('Command and Scripting Interpreter');
  });

  test('a matrix block patches the cells a note edit touches instead of drawing itself again', async () => {
    const files = pythonVault();
    files['Notes/Matrix.md'] = '# Matrix\n\n```attack-coverage\nview: matrix\ntactics: execution\n```\n';
    const { app } = await start(files, { open: 'Notes/Matrix.md' });
    const block = app.workspace.rootSplit.el.querySelector('.block-language-attack-coverage')!;
    const matrix = block.querySelector('.acm-matrix');
    const cell = (id: string) => block.querySelector(`.acm-cell[data-id="${id}"]`)!;
    const untouched = cell('T1059.001');
    const before = cell('T1059.008').className;
    expect(before).toMatch(/\bhas-note\b/);
    await app.vault.create('Detection Rules/network_device_cli.md', '---\ntitle: "Network Device CLI"\ntags: [execution, t1059_008, detection_rule]\n---\n');
    await advance(REFRESH_MS + 10);
    expect(block.querySelector('.acm-matrix')).toBe(matrix); // the same matrix, patched
    expect(cell('T1059.001')).toBe(untouched);
    expect(cell('T1059.008').className).not.toBe(before);
    expect(cell('T1059.008').getAttribute('title')).toMatch(/1 rule/);
  });

  test('problems in the block are said plainly', async () => {
    const files = pythonVault();
    files['Notes/Bad.md'] = '# Bad\n\n```attack-coverage\ntechnique: python\n```\n';
    const { app } = await start(files, { open: 'Notes/Bad.md' });
    const block = app.workspace.rootSplit.el.querySelector('.block-language-attack-coverage')!;
    expect(block.textContent).toMatch(/"python" is not a technique ID/);
  });
});

describe('technique analytics in the pane', () => {
  test('events covered and the authoring guide follow the coverage panel, computed from the rule notes', async () => {
    const { app } = await start(pythonVault(), { open: PYTHON });
    // Rule notes are analysed asynchronously; the pane redraws when the analytics arrive.
    for (let i = 0; i < 20 && !pane(app).querySelector('.attack-coverage-analytics'); i++) {
      await advance(REFRESH_MS + 10);
      await new Promise((r) => jest.requireActual<typeof import('timers')>('timers').setImmediate(r));
    }
    const root = pane(app);
    const analytics = root.querySelector('.attack-coverage-analytics');
    expect(analytics).not.toBeNull();
    // After the coverage panel, not instead of it.
    expect(root.querySelector('.attack-coverage-rules')?.compareDocumentPosition(analytics!)).toBe(Node.DOCUMENT_POSITION_FOLLOWING);
    const text = analytics!.textContent ?? '';
    expect(text).toContain('Events covered');
    expect(text).toMatch(/Sysmon/);
    expect(text).toContain('8004'); // the AppLocker rule names its event IDs
    expect(text).toContain('Image');
  });
});
