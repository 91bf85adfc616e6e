/**
 * @jest-environment jsdom
 *
 * Notes whose names Obsidian allows but its link syntax reads differently: `#` starts a heading in a
 * link, so a note named "C# loader" must still open itself, not a note "C" (which Obsidian would create).
 */
import { MATRIX_VIEW_TYPE } from '../../src/obsidian/matrix-view';
import { PYTHON, advance, command, pane, pythonVault, start } from './helpers';

beforeEach(() => jest.useFakeTimers());
afterEach(() => {
  jest.useRealTimers();
  document.body.replaceChildren();
});

const ODD = 'Detection Rules/C# loader [v2] spawns python – ünïcode.md';
const RULE = `---
title: "C# loader spawns Python"
tags: [t1059_006, detection_rule]
---
# C# loader spawns Python
`;

describe('a rule note with # in its name', () => {
  test('clicking it in the pane opens that note', async () => {
    const { app } = await start({ ...pythonVault(), [ODD]: RULE }, { open: PYTHON });
    const link = [...pane(app).querySelectorAll<HTMLAnchorElement>('a.internal-link')].find((a) => a.getAttribute('data-href') === ODD);
    expect(link?.textContent).toBe('C# loader spawns Python');
    link!.click();
    await advance(100);
    expect(app.workspace.getActiveFile()?.path).toBe(ODD);
  });

  test('a technique note with # in its name opens from the coverage matrix', async () => {
    const technique = 'Use Cases/T1059 - Interpreters #1 [C#].md';
    const { app } = await start({ [technique]: '# T1059 Command and Scripting Interpreter\n' });
    expect(app.commands.executeCommandById(command(app, 'open-coverage-matrix'))).toBe(true);
    await advance(50);
    const root = (app.workspace.getLeavesOfType(MATRIX_VIEW_TYPE)[0]!.view as unknown as { contentEl: HTMLElement }).contentEl;
    const link = [...root.querySelectorAll<HTMLAnchorElement>('a[data-href]')].find((a) => a.getAttribute('data-href') === technique);
    expect(link).toBeDefined();
    link!.click();
    await advance(100);
    expect(app.workspace.getActiveFile()?.path).toBe(technique);
  });

  test('a technique note with # in its name opens from a view: gaps block', async () => {
    const technique = 'Use Cases/T1059.008 - Network device CLI #1.md';
    const files = { [technique]: '# T1059.008 Network Device CLI\n', 'Notes/Gaps.md': '# Gaps\n\n```attack-coverage\nview: gaps\n```\n' };
    const { app } = await start(files, { open: 'Notes/Gaps.md' });
    const block = app.workspace.rootSplit.el.querySelector('.block-language-attack-coverage')!;
    const link = [...block.querySelectorAll<HTMLAnchorElement>('a[data-href]')].find((a) => a.getAttribute('data-href') === technique);
    expect(link).toBeDefined();
    link!.click();
    await advance(100);
    expect(app.workspace.getActiveFile()?.path).toBe(technique);
  });
});
