/**
 * @jest-environment jsdom
 *
 * The matrix DOM (standard DOM only; the report's linkedom run is checked by test/report):
 * structure from the catalog, classes from the notes, a legend always present, no inline styles,
 * note text never parsed as HTML, patches in place.
 */
import catalogJson from '../../src/core/attack/catalog.json';
import { defaultCatalog } from '../../src/core/attack/catalog';
import { parseCoverageBlock } from '../../src/core/coverage-block';
import { MatrixModel } from '../../src/core/matrix';
import { parseYamlCore } from '../../src/cli/yaml';
import { gapsFromModel } from '../../src/core/gaps';
import { renderGaps } from '../../src/ui/gaps';
import { compareWithLayer, overlayCatalog, parseLayerFile } from '../../src/core/layers';
import { renderBlockView, renderComparison, renderMatrix, renderMatrixControls, renderTechniqueTable } from '../../src/ui/matrix';
import { source } from '../support/notes';
import { SAMPLE, buildIndex, ruleText, rulePath } from './fixtures';

const active = (catalogJson as unknown as { techniques: Array<{ id: string; tactics: string[]; isSubtechnique: boolean; revoked?: boolean; deprecated?: boolean }> }).techniques.filter(
  (t) => !t.revoked && !t.deprecated,
);
const catalog = defaultCatalog();
const links = { href: (p: string) => `vault://${p}` };

const doc = (): Document => document.implementation.createHTMLDocument('test');

describe('renderMatrix', () => {
  const index = buildIndex(SAMPLE);
  const model = new MatrixModel(index, catalog);
  const d = doc();
  const handle = renderMatrix(d.body, model, { score: 'state', links });
  const root = handle.root;

  test('one cell per technique placement: parents and sub-techniques under each of their tactics, plus the extra column', () => {
    const placements = active.reduce((n, t) => n + t.tactics.length, 0);
    const cells = root.querySelectorAll('.acm-column:not(.is-other) .acm-cell');
    expect(cells.length).toBe(placements);
    expect(root.querySelectorAll('.acm-column.is-other .acm-cell').length).toBe(4);
    expect(root.querySelectorAll('.acm-column').length).toBe(15);
  });

  test('sub-techniques are inside an expandable <details> under their parent; covered ones start open', () => {
    const det = root.querySelector('details.acm-tech[data-id="T1059"]')!;
    expect(det.querySelector('summary')!.getAttribute('data-id')).toBe('T1059');
    expect(det.querySelectorAll('.acm-subs .acm-cell').length).toBe(active.filter((t) => t.id.startsWith('T1059.')).length);
    expect(det.hasAttribute('open')).toBe(true);
    expect(root.querySelector('details.acm-tech[data-id="T1548"]')!.hasAttribute('open')).toBe(false);
  });

  test('state classes follow the notes', () => {
    const cls = (id: string): string => root.querySelector(`[data-id="${id}"].acm-cell`)!.getAttribute('class')!;
    expect(cls('T1059.001')).toContain('is-state-covered-tested');
    expect(cls('T1105')).toContain('is-state-covered-untested');
    expect(cls('T1218.011')).toContain('is-state-tested-undetected');
    expect(cls('T1046')).toContain('is-state-neither');
    expect(cls('T1059.001')).toContain('has-note');
    expect(cls('T1105')).toContain('no-note');
    expect(cls('T1086')).toContain('is-revoked');
  });

  test('hover text carries the counts; the badge shows rules · tests', () => {
    const cell = root.querySelector('[data-id="T1059.001"].acm-cell')!;
    expect(cell.getAttribute('title')).toContain('2 rules');
    expect(cell.getAttribute('title')).toContain('3 atomic tests');
    expect(cell.querySelector('.acm-badge')!.textContent).toBe('2·3');
  });

  test('a cell with a note links to it through the link handler', () => {
    const a = root.querySelector('[data-id="T1059.001"] a.internal-link')!;
    expect(a.getAttribute('data-href')).toBe('Use Cases/T1059.001 - Note.md');
    expect(a.getAttribute('href')).toBe('vault://Use Cases/T1059.001 - Note.md');
  });

  test('the legend is always there and explains every state with counts', () => {
    const legend = root.querySelector('.acm-legend')!;
    const text = legend.textContent ?? '';
    for (const label of ['Covered and tested', 'Covered, untested', 'Tested, undetected', 'Neither', 'no note yet']) expect(text).toContain(label);
    expect(root.firstElementChild).toBe(legend);
  });

  test('colours only through classes: no inline style anywhere', () => {
    expect(root.querySelectorAll('[style]').length).toBe(0);
  });

  test('no create button unless the caller offers one; then only on techniques without a note', () => {
    expect(root.querySelectorAll('[data-create]').length).toBe(0);
    const d2 = doc();
    const h2 = renderMatrix(d2.body, model, { score: 'rules', links, onCreate: () => undefined });
    expect(h2.root.querySelector('[data-id="T1105"] [data-create]')).not.toBeNull();
    expect(h2.root.querySelector('[data-id="T1059.001"] [data-create]')).toBeNull();
    expect(h2.root.getAttribute('class')).toContain('acm-score-rules');
    expect(h2.root.querySelector('[data-id="T1059.001"].acm-cell')!.getAttribute('class')).toContain('is-score-2');
  });

  test('note text is text: a rule titled like HTML stays text in every list that shows titles', () => {
    const i2 = buildIndex({ rules: [{ name: '<img src=x onerror=alert(1)>', techniques: ['T1105'] }] });
    const d2 = doc();
    const m2 = new MatrixModel(i2, catalog);
    renderMatrix(d2.body, m2, { score: 'state', links });
    renderGaps(d2.body, gapsFromModel(m2), { links });
    expect(d2.body.querySelectorAll('img').length).toBe(0);
    expect(d2.body.textContent).toContain('<img src=x onerror=alert(1)>');
  });

  test('update() patches the changed cells in place and refreshes counts', () => {
    const i3 = buildIndex(SAMPLE);
    const m3 = new MatrixModel(i3, catalog);
    const d3 = doc();
    const h = renderMatrix(d3.body, m3, { score: 'state', links });
    const before = h.root.querySelector('[data-id="T1046"].acm-cell')!;
    const rule = { name: 'Port scan', techniques: ['T1046'], level: 'high' };
    i3.upsert(source(rulePath(rule), ruleText(rule)));
    const delta = m3.applyChange([rulePath(rule)]);
    h.update(delta.changed);
    const after = h.root.querySelector('[data-id="T1046"].acm-cell')!;
    expect(after).toBe(before);
    expect(after.getAttribute('class')).toContain('is-state-covered-untested');
    expect(h.root.querySelector('.acm-column[data-tactic="discovery"] .acm-tactic-count')!.textContent).toMatch(/^1\//);
  });
});

describe('controls, table and block views', () => {
  const index = buildIndex(SAMPLE);
  const model = new MatrixModel(index, catalog);

  test('controls offer every score and the vault\'s facets', () => {
    const d = doc();
    const bar = renderMatrixControls(d.body, model, { score: 'state', platform: '', vendor: '', status: '', level: '', product: '' }, { onChange: () => undefined });
    const opts = (k: string): string[] => [...bar.querySelectorAll(`[data-control="${k}"] option`)].map((o) => o.getAttribute('value')!);
    expect(opts('score')).toEqual(['rules', 'level', 'tests', 'state']);
    expect(opts('vendor')).toEqual(['', 'elastic', 'sigma', 'splunk']);
    expect(opts('platform')).toContain('windows');
  });

  test('technique table: one row per technique with a note, a rule or a test', () => {
    const d = doc();
    const table = renderTechniqueTable(d.body, model, { links });
    const ids = [...table.querySelectorAll('tbody tr')].map((r) => r.getAttribute('data-id'));
    const expected = [...model.allCells()].filter((c) => c.notePath || c.rules.length || c.tests.length).map((c) => c.id).sort();
    expect(ids).toEqual(expected);
  });

  test('`view: matrix` block with filters renders a filtered matrix; `view: gaps` renders the lists', () => {
    const d = doc();
    const parsed = parseCoverageBlock('view: matrix\nscore: level\ntactic: execution\nplatform: Windows\nvendor: elastic', parseYamlCore);
    expect(parsed.problems).toEqual([]);
    const { handle } = renderBlockView(d.body, parsed.block, index, catalog, links);
    expect(handle!.root.querySelectorAll('.acm-column').length).toBe(2); // execution + IDs outside the matrix
    expect(handle!.root.querySelector('[data-id="T1059.001"].acm-cell .acm-badge')!.textContent).toBe('12');
    expect(handle!.root.querySelector('[data-id="T1059.004"]')).toBeNull(); // not a Windows technique
    const d2 = doc();
    const g = parseCoverageBlock('view: gaps\nshow: [no-rules, outdated]', parseYamlCore);
    expect(g.problems).toEqual([]);
    renderBlockView(d2.body, g.block, index, catalog, links);
    expect([...d2.body.querySelectorAll('[data-gap]')].map((s) => s.getAttribute('data-gap'))).toEqual(['no-rules', 'outdated']);
  });

  test('a layer entry scoped to one tactic is drawn only in that tactic\'s column, as Navigator does', () => {
    // Techniques under several tactics, from the catalog's raw data.
    const [scoped, everywhere, mixed] = active.filter((t) => !t.isSubtechnique && t.tactics.length >= 2);
    const under = scoped!.tactics[0]!;
    const layer = {
      name: 'scoped',
      domain: 'enterprise-attack',
      versions: { layer: '4.5' },
      techniques: [
        { techniqueID: scoped!.id, tactic: under, score: 1 },
        { techniqueID: everywhere!.id, score: 1 },
        { techniqueID: mixed!.id, tactic: mixed!.tactics[0], score: 1 },
        { techniqueID: mixed!.id, score: 2 },
      ],
    };
    const overlay = parseLayerFile(JSON.stringify(layer), overlayCatalog(catalog));
    const d = doc();
    const root = renderMatrix(d.body, model, { score: 'state', links, overlay }).root;
    const marked = (id: string): string[] =>
      [...root.querySelectorAll(`.acm-column [data-id="${id}"].acm-cell`)]
        .filter((c) => c.classList.contains('has-overlay'))
        .map((c) => c.closest('.acm-column')!.getAttribute('data-tactic')!)
        .sort();
    expect(marked(scoped!.id)).toEqual([under]);
    expect(marked(everywhere!.id)).toEqual([...everywhere!.tactics].sort());
    expect(marked(mixed!.id)).toEqual([...mixed!.tactics].sort());
  });

  test('legend and comparison count the cells the overlay is drawn on, not entries under a tactic the technique lacks', () => {
    const tactics = catalog.tactics().map((t) => t.shortname);
    const [wrong, right, plain] = active.filter((t) => !t.isSubtechnique && t.tactics.length < tactics.length);
    const elsewhere = tactics.find((t) => !wrong!.tactics.includes(t))!;
    const layer = {
      name: 'scoped',
      domain: 'enterprise-attack',
      versions: { navigator: '5.1.0', layer: '4.5' },
      techniques: [
        { techniqueID: wrong!.id, tactic: elsewhere, score: 1 },
        { techniqueID: right!.id, tactic: right!.tactics[0], score: 1 },
        { techniqueID: plain!.id, score: 1 },
      ],
    };
    const overlay = parseLayerFile(JSON.stringify(layer), overlayCatalog(catalog));
    const root = renderMatrix(doc().body, model, { score: 'rules', links, overlay }).root;
    const drawn = (cls: string): number => new Set([...root.querySelectorAll(`.acm-cell.${cls}`)].map((c) => c.getAttribute('data-id'))).size;
    const legend = (label: string): number => {
      const item = [...root.querySelectorAll('.acm-legend-item')].map((i) => i.textContent ?? '').find((t) => t.startsWith(label));
      return Number(/\((\d+)\)$/.exec(item ?? '')?.[1]);
    };
    expect(drawn('has-overlay')).toBe(2);
    expect(legend('In "scoped"')).toBe(drawn('has-overlay'));
    expect(legend('In the layer, undetected')).toBe(drawn('is-overlay-undetected'));
    const c = compareWithLayer(model, overlay, 'rules');
    expect(c.inLayer).toBe(drawn('has-overlay'));
    expect(c.undetected.length).toBe(drawn('is-overlay-undetected'));
    expect(c.unmatched).toEqual([wrong!.id]);
  });

  test('comparison: the layer file\'s problems are listed as text', () => {
    const d = doc();
    const layer = { name: 'old', domain: 'enterprise-attack', versions: { navigator: '4.8.1', layer: '4.4' }, techniques: [{ techniqueID: 'T1046', score: '<b>5</b>' }] };
    const c = compareWithLayer(model, parseLayerFile(JSON.stringify(layer), overlayCatalog(catalog)), 'rules');
    const box = renderComparison(d.body, c, links);
    const items = [...box.querySelectorAll('li')].map((li) => li.textContent ?? '');
    expect(items.some((t) => t.includes('"4.4"'))).toBe(true);
    expect(items.some((t) => t.includes('techniques[0].score'))).toBe(true);
    expect(box.querySelector('b')).toBeNull();
  });
});
