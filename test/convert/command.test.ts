/**
 * @jest-environment jsdom
 *
 * The two commands over the `obsidian` stand-in: preview first (counts, before/after as text), then one
 * `Vault.process` per note that re-plans against the note's current text.
 */
import { Plugin } from 'obsidian';
import { Notice } from '../__obsidian_shim__/obsidian'; // the same module as 'obsidian' (jest maps it here), with its test helpers
import { registerConvertCommands } from '../../src/obsidian/convert-command';
import { FakeApp } from '../__obsidian_shim__/fake-app';
import { indexOf } from '../support/notes';

const RULES = (id: string) => `\`\`\`dataview\nTABLE without id\nfile.link AS "Name"\nFROM "Detection Rules" AND #${id}\n\`\`\``;
const TESTS = (id: string) => `\`\`\`query\ntag: atomic_test\ntag: ${id}\n\`\`\``;

const FILES: Record<string, string> = {
  'Use Cases/T1059.006 - Python.md': `# Python\r\n\r\n${RULES('T1059_006').replace(/\n/g, '\r\n')}\r\n\r\n> [!note] Tests\r\n> ${TESTS('T1059_006').replace(/\n/g, '\r\n> ')}\r\n`,
  'Use Cases/T1003.001 - LSASS.md': `# LSASS\n\n${RULES('T1003_001')}\n\n${TESTS('T1003_001')}\n`,
  'Use Cases/T1105 - Ingress.md': `# Ingress\n\n${RULES('T1105')}\n\n\`\`\`dataview\nLIST FROM "Detection Rules" AND #<b>x</b>\n\`\`\`\n`,
  'Detection Rules.md': '```query\ntag: execution\ntag: detection_rule\n```\n',
  'Detection Rules/r1.md': '---\ntags: [detection_rule, t1059_006]\n---\n# r1\n',
  'Plain.md': 'no blocks here\n',
};

class TestPlugin extends Plugin {}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
}

function setup() {
  document.body.empty();
  const app = FakeApp.start(FILES);
  app.layoutReady();
  const index = indexOf(FILES);
  const plugin = new TestPlugin(app as never, { id: 'attack-coverage', name: 'ATT&CK Coverage', version: '0', minAppVersion: '1.7.2', author: '', description: '' });
  registerConvertCommands(plugin, () => index);
  return { app, text: (p: string) => app.vault._text(p) };
}

const modal = () => document.body.querySelector<HTMLElement>('.modal-container:not(.mod-settings)');
const button = (label: RegExp) => [...(modal()?.querySelectorAll('button') ?? [])].find((b) => label.test(b.textContent ?? ''))!;

describe('convert commands', () => {
  test('two commands, sentence case, no default hotkeys; the note command needs an open note', async () => {
    const { app } = setup();
    const cmds = app.commands.listCommands();
    expect(cmds.map((c) => c.name).sort()).toEqual([
      'ATT&CK Coverage: Convert queries to coverage blocks in the vault',
      'ATT&CK Coverage: Convert queries to coverage blocks in this note',
    ]);
    expect(cmds.every((c) => !c.hotkeys)).toBe(true);
    expect(app.commands.isAvailable('attack-coverage:convert-queries-in-note')).toBe(false);
    await app.workspace.openFile('Plain.md');
    expect(app.commands.isAvailable('attack-coverage:convert-queries-in-note')).toBe(true);
    app.commands.executeCommandById('attack-coverage:convert-queries-in-note');
    await settle();
    expect(modal()).toBeNull();
    expect(Notice.shown.at(-1)).toBe('No queries in this note.');
  });

  test('this note: preview as text, then an edit that touches only the blocks; a second run finds nothing', async () => {
    const { app, text } = setup();
    const path = 'Use Cases/T1059.006 - Python.md';
    const original = text(path);
    await app.workspace.openFile(path);
    app.commands.executeCommandById('attack-coverage:convert-queries-in-note');
    await settle();
    const m = modal()!;
    expect(m.textContent).toContain('1 note, 2 blocks will be converted. 0 blocks will be left as they are.');
    const pres = [...m.querySelectorAll('pre')].map((p) => p.textContent);
    expect(pres).toHaveLength(4);
    expect(pres[0]).toContain('```dataview');
    expect(pres[1]).toContain('technique: T1059.006');
    expect(pres[3]).toMatch(/^> ```attack-coverage\n> # converted from query/);
    expect(text(path)).toBe(original); // nothing written before confirmation
    button(/^Convert 2 blocks$/).click();
    await settle();
    expect(modal()).toBeNull();
    const converted = text(path);
    expect(converted).toContain('```attack-coverage\r\n');
    expect(converted).toContain('> show: [tests]\r\n');
    expect(converted.replace(/\r\n/g, '')).not.toContain('\n');
    expect(Notice.shown.at(-1)).toBe('Converted 2 blocks in 1 note.');
    app.commands.executeCommandById('attack-coverage:convert-queries-in-note');
    await settle();
    expect(modal()).toBeNull();
    expect(Notice.shown.at(-1)).toBe('No queries in this note.');
    expect(text(path)).toBe(converted);
  });

  test('the vault: edits made after the preview are kept, blocks changed since the preview are left', async () => {
    const { app, text } = setup();
    app.commands.executeCommandById('attack-coverage:convert-queries-in-vault');
    await settle();
    const m = modal()!;
    expect(m.textContent).toContain('3 notes, 5 blocks will be converted. 2 blocks will be left as they are.');
    // Untrusted query text is shown as text, never parsed as HTML.
    expect(m.querySelector('b')).toBeNull();
    expect(m.textContent).toContain('#<b>x</b>');
    // Meanwhile: one note is edited outside its blocks, another inside a previewed block.
    const lsass = 'Use Cases/T1003.001 - LSASS.md';
    const ingress = 'Use Cases/T1105 - Ingress.md';
    await app.vault.modify(app.vault.getFileByPath(lsass)!, text(lsass).replace('# LSASS', '# LSASS (edited)'));
    await app.vault.modify(app.vault.getFileByPath(ingress)!, text(ingress).replace('#T1105', '#T1106'));
    const ingressBefore = text(ingress);
    button(/^Convert 5 blocks$/).click();
    await settle();
    expect(text(lsass).startsWith('# LSASS (edited)\n\n```attack-coverage\n')).toBe(true);
    expect(text(lsass).match(/```attack-coverage/g)).toHaveLength(2);
    expect(text(ingress)).toBe(ingressBefore);
    expect(text('Detection Rules.md')).toBe(FILES['Detection Rules.md']);
    expect(Notice.shown.at(-1)).toBe('Converted 4 blocks in 2 notes. 1 block changed since the preview and was left as it is.');
    // Running again offers the block as it now is (never converted unseen), and nothing else.
    app.commands.executeCommandById('attack-coverage:convert-queries-in-vault');
    await settle();
    expect(modal()!.textContent).toContain('1 note, 1 block will be converted. 2 blocks will be left as they are.');
    expect(modal()!.textContent).toContain('technique: T1106');
    button(/^Convert 1 block$/).click();
    await settle();
    app.commands.executeCommandById('attack-coverage:convert-queries-in-vault');
    await settle();
    expect(modal()).toBeNull();
    expect(Notice.shown.at(-1)).toBe('No query in the vault can be converted (2 blocks left as they are).');
  });

  test('cancel writes nothing', async () => {
    const { app, text } = setup();
    const before = Object.keys(FILES).map(text);
    app.commands.executeCommandById('attack-coverage:convert-queries-in-vault');
    await settle();
    button(/^Cancel$/).click();
    await settle();
    expect(modal()).toBeNull();
    expect(Object.keys(FILES).map(text)).toEqual(before);
  });

  test('a note that cannot be read is left out of the vault preview; the others are still offered', async () => {
    const { app } = setup();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const read = app.vault.cachedRead.bind(app.vault);
    // Deleted or unreadable between the file list and the read.
    jest.spyOn(app.vault, 'cachedRead').mockImplementation((f) => (f.path === 'Use Cases/T1105 - Ingress.md' ? Promise.reject(new Error('EACCES')) : read(f)));
    app.commands.executeCommandById('attack-coverage:convert-queries-in-vault');
    await settle();
    expect(modal()?.textContent).toContain('2 notes, 4 blocks will be converted. 1 block will be left as it is.');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('Use Cases/T1105 - Ingress.md'), expect.any(Error));
    warn.mockRestore();
  });
});
