/**
 * @jest-environment jsdom
 *
 * The analytics sections as DOM: what each section shows for T1059.006, row limits with "Show all",
 * blank reach for indicators unique to the technique, sections on request, text never parsed as HTML.
 */
import { gunzipSync } from 'node:zlib';
import { techniqueAnalytics, type TechniqueAnalytics } from '../../src/core/analytics/technique-analytics';
import { DetailsCatalog } from '../../src/core/attack/details';
import { DETAILS_GZIP_BASE64 } from '../../src/core/attack/details-packed';
import { analyticsSections, renderAnalytics } from '../../src/ui/analytics';
import { el } from '../../src/ui/dom';
import { expectedPackage, testVault, vaultOf } from './vaults';

const details = DetailsCatalog.fromJson(gunzipSync(Buffer.from(DETAILS_GZIP_BASE64, 'base64')).toString('utf8'));
const opened: string[] = [];
const links = { href: (p: string) => `vault://${p}`, open: (p: string) => void opened.push(p) };
const v = testVault();
const data = techniqueAnalytics(v.index, 'T1059.006', { store: v.store, details });

/** A detached container (one place that makes elements by hand). */
const box = (): HTMLElement => el(document.implementation.createHTMLDocument('t').body, 'div');

const rows = (root: Element, table: string): string[][] =>
  [...root.querySelectorAll(`table[data-table="${table}"] tbody tr`)].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''));

describe('renderAnalytics, T1059.006 on test-vault', () => {
  const host = box();
  const root = renderAnalytics(host, data, links);

  test('one root, five sections in order, all open', () => {
    expect(host.children.length).toBe(1);
    expect(root.getAttribute('data-technique')).toBe('T1059.006');
    expect([...root.querySelectorAll(':scope > details')].map((d) => d.getAttribute('data-section'))).toEqual(['events', 'guide', 'packages', 'mitigations', 'detection']);
    expect([...root.querySelectorAll(':scope > details')].every((d) => d.hasAttribute('open'))).toBe(true);
  });

  test('events covered: provider, event ID, title, rules', () => {
    const r = rows(root, 'events');
    expect(r[0]).toEqual(['Sysmon', '1', 'Process creation', '2']);
    expect(r).toContainEqual(['AppLocker', '8004', 'FilePathBuffer was prevented from running.', '1']);
    expect(r.find((x) => x[1] === '4688')?.[2]).toMatch(/\(equivalent event\)/);
  });

  test('fields filtered most: field, rules, how, sample values', () => {
    const r = rows(root, 'fields');
    expect(r[0]).toEqual(['Image', '3', 'contains 3', '/python, \\Downloads\\, \\python']);
    expect(r).toContainEqual(['OriginalFileName', '1', 'contains 1', 'python']);
    expect(r).toContainEqual(['FileVersion', '1', 'eq 1', '?']);
  });

  test('indicators: reach blank when only this technique uses the value', () => {
    const r = rows(root, 'indicators');
    expect(r).toContainEqual(['CommandLine', 'contains', 'base64', '2', '3']);
    expect(r).toContainEqual(['CommandLine', 'contains', ' -c', '2', '']);
    expect(r).toContainEqual(['Image', 'contains', '\\Downloads\\', '1', '2']);
  });

  test('rules by vendor and package: "ID: name: description", names link to the notes', () => {
    const sigma = root.querySelector('[data-section="packages"]')!;
    expect(sigma.textContent).toContain('Sigma');
    // One heading per source folder (the notes' source_file), counts adding up to the technique's rules.
    const names = [...sigma.querySelectorAll('.attack-coverage-analytics-package-name')];
    const folders = [...new Set(data.vendors.flatMap((g) => g.packages.flatMap((p) => p.rules.map((r) => expectedPackage(v.texts.get(r.path) ?? '', r.path)))))];
    expect(names.map((n) => n.firstChild?.textContent).sort()).toEqual(folders.sort());
    expect(names.reduce((n, x) => n + Number(x.querySelector('.attack-coverage-count')?.textContent), 0)).toBe(5);
    const li = [...sigma.querySelectorAll('li.attack-coverage-analytics-rule')].find((x) => x.textContent?.includes('Python One-Liners with Base64 Decoding:'))!;
    expect(li.textContent).toMatch(/^50a0aa3d: Python One-Liners with Base64 Decoding: Detects Python one-liners/);
    expect(li.querySelector('code')?.getAttribute('title')).toBe('50a0aa3d-ab16-4594-a8aa-5145a6e6792b');
    const a = li.querySelector('a')!;
    expect(a.getAttribute('data-href')).toBe('Detection Rules/proc_creation_win_python_base64_encoded_execution.md');
    a.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
    expect(opened).toEqual(['Detection Rules/proc_creation_win_python_base64_encoded_execution.md']);
  });

  test('mitigations and detection: IDs link to ATT&CK; gap and analytics', () => {
    expect(rows(root, 'mitigations').map((r) => r[0])).toEqual(['M1033', 'M1038', 'M1047', 'M1049']);
    expect(root.querySelector('table[data-table="mitigations"] a')?.getAttribute('href')).toBe('https://attack.mitre.org/mitigations/M1033');
    const det = root.querySelector('[data-section="detection"]')!;
    expect(det.textContent).toContain('DET0063 Cross-Platform Behavioral Detection of Python Execution');
    expect(det.querySelectorAll('.attack-coverage-analytics-analytic').length).toBe(4);
    expect(det.textContent).toContain('Read: Sysmon 1.');
    expect(rows(det, 'data-components').map((r) => r[0])).toEqual(expect.arrayContaining(['DS0009 Process: Process Creation', 'DS0017 Command: Command Execution']));
  });

  test('no inline styles anywhere', () => {
    expect(root.querySelectorAll('[style]').length).toBe(0);
  });
});

describe('limits, sections, untrusted text', () => {
  test('tables stop at the limit; "Show all" builds the rest on demand', () => {
    const many: TechniqueAnalytics = {
      ...data,
      guide: {
        ...data.guide,
        indicators: Array.from({ length: 1000 }, (_, i) => ({ field: 'CommandLine', op: 'contains' as const, value: `v${i}`, rules: 1, reach: 1, uniqueHere: true })),
      },
    };
    const host = box();
    const root = renderAnalytics(host, many, links, { sections: ['guide'] });
    expect(rows(root, 'indicators').length).toBe(20);
    const button = [...root.querySelectorAll('button')].find((b) => b.textContent === 'Show all 1,000')!;
    button.click();
    expect(rows(root, 'indicators').length).toBe(1000);
    expect(rows(root, 'indicators')[999]?.[2]).toBe('v999');
    expect(root.querySelectorAll('button').length).toBe(0);
    expect(rows(renderAnalytics(box(), many, links, { sections: ['guide'], limit: 5 }), 'indicators').length).toBe(5);
  });

  test('packages: listed at once under the limit, else per package on demand', () => {
    // All five rules in one package, so that the package is over the limit.
    const one = { ...data, vendors: data.vendors.map((g) => ({ ...g, packages: [{ package: 'Detection Rules', rules: g.packages.flatMap((p) => p.rules) }] })) };
    const root = renderAnalytics(box(), one, links, { sections: ['packages'], limit: 3 });
    expect(root.querySelectorAll('.attack-coverage-analytics-rule').length).toBe(0);
    const button = [...root.querySelectorAll('button')].find((b) => b.textContent === 'List rules')!;
    button.click();
    expect(root.querySelectorAll('.attack-coverage-analytics-rule').length).toBe(3);
    [...root.querySelectorAll('button')].find((b) => b.textContent === 'Show all 5')!.click();
    expect(root.querySelectorAll('.attack-coverage-analytics-rule').length).toBe(5);
  });

  test('a closed section is built when first opened', () => {
    const root = renderAnalytics(box(), data, links, { open: ['events'] });
    const guide = root.querySelector('[data-section="guide"]')!;
    expect(guide.querySelector('table')).toBeNull();
    guide.setAttribute('open', '');
    guide.dispatchEvent(new Event('toggle'));
    expect(guide.querySelectorAll('table').length).toBe(2);
    guide.dispatchEvent(new Event('toggle'));
    expect(guide.querySelectorAll('table').length).toBe(2);
  });

  test('only the sections asked for; block words map onto sections', () => {
    const root = renderAnalytics(box(), data, links, { sections: ['mitigations', 'events'], open: ['events'] });
    expect([...root.querySelectorAll(':scope > details')].map((d) => [d.getAttribute('data-section'), d.hasAttribute('open')])).toEqual([
      ['events', true],
      ['mitigations', false],
    ]);
    expect(analyticsSections(['rules', 'Events', 'guide', 'tests', 'detection'])).toEqual(['events', 'guide', 'detection']);
  });

  test('note-derived strings are text, never HTML', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const rule = ['---', 'tags: [detection_rule, t1059_006]', '---', '```yml', `title: "${evil}"`, `description: "${evil}"`, 'logsource: {product: windows, category: process_creation}',
      `detection: {sel: {"Image|contains": "${evil}"}, condition: sel}`, '```'].join('\n');
    const w = vaultOf({ 'Detection Rules/x.md': rule });
    const d = techniqueAnalytics(w.index, 'T1059.006', { store: w.store, details: null });
    const root = renderAnalytics(box(), d, links);
    expect(root.querySelectorAll('img').length).toBe(0);
    expect(root.textContent).toContain(evil);
    expect(root.querySelector('[data-section="mitigations"]')?.textContent).toContain('No ATT&CK context');
  });

  test('an empty technique renders every section with a plain message', () => {
    const w = vaultOf({});
    const d = techniqueAnalytics(w.index, 'T1059.006', { store: w.store, details });
    const root = renderAnalytics(box(), d, links);
    expect(root.querySelector('[data-section="events"]')?.textContent).toContain('No rules for this technique.');
    expect(root.querySelector('[data-section="detection"]')?.textContent).toContain('Expected events no rule reads');
    expect(rows(root, 'gap')).toEqual([['Sysmon', '1', 'Process creation', 'AN0172 (Windows)']]);
  });
});
