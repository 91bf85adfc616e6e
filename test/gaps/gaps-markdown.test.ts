/**
 * @jest-environment jsdom
 *
 * The gap lists as Markdown, rendered by markdown-it (with GitHub's autolinks) as the oracle: `text` mode
 * (`gaps --markdown`, for CI job summaries) lists every row with its title and path as plain text, and
 * in both modes text from notes and layers (titles, paths, rule levels, layer names) cannot add links,
 * images or HTML.
 */
import MarkdownIt from 'markdown-it';
import { defaultCatalog } from '../../src/core/attack/catalog';
import { computeGaps, gapsMarkdown } from '../../src/core/gaps';
import { compareWithLayer, overlayCatalog, parseLayerFile } from '../../src/core/layers';
import { MatrixModel } from '../../src/core/matrix';
import { files, SAMPLE } from '../matrix/fixtures';
import { indexOf } from '../support/notes';

const catalog = defaultCatalog();
const render = (markdown: string, linkify: boolean): Document =>
  new DOMParser().parseFromString(`<body>${new MarkdownIt({ linkify, html: true }).render(markdown)}</body>`, 'text/html');

const HOSTILE_PATH = 'Detection Rules/evil ![p](x.png) <b>b</b> [[y]].md';
const HOSTILE_TITLE = '[click](https://evil.example/) <img src=x onerror="alert(1)"> **b** www.evil.example';
const HOSTILE_LEVEL = '<img src=y onerror=alert(2)>';
const HOSTILE_LAYER = '<script>alert(3)</script> ![l](https://evil.example/l.png)';

function hostileReport() {
  const vault = {
    ...files(SAMPLE),
    // T1027 has no tests in SAMPLE, so this rule is listed among the rules whose techniques have no tests.
    [HOSTILE_PATH]: `---\nstatus: test\nlevel: '${HOSTILE_LEVEL}'\nlogsrc_product: windows\ntags: [detection_rule, t1027]\n---\n# ${HOSTILE_TITLE}\n`,
  };
  const index = indexOf(vault);
  const report = computeGaps(index, catalog);
  const layer = { name: HOSTILE_LAYER, versions: { layer: '4.5', navigator: '5.1.0' }, domain: 'enterprise-attack', techniques: [{ techniqueID: 'T1003', score: 1 }] };
  report.comparison = compareWithLayer(new MatrixModel(index, catalog), parseLayerFile(JSON.stringify(layer), overlayCatalog(catalog)), 'rules');
  return report;
}

test('text mode lists every row, titles and paths as their own text', () => {
  const report = hostileReport();
  const doc = render(gapsMarkdown(report, { links: 'text' }), true);
  expect(doc.querySelectorAll('a, img, script, strong, em, b').length).toBe(0);
  const section = (title: string): string[] => {
    const h = [...doc.querySelectorAll('h2')].find((x) => x.textContent?.startsWith(title));
    const list = h?.nextElementSibling;
    return list?.tagName === 'UL' ? [...list.querySelectorAll('li')].map((li) => li.textContent ?? '') : [];
  };
  expect(section('Rules whose techniques have no tests')).toEqual(
    report.untestedRules.map((x) => `${x.title} (${x.path}) — ${x.techniques.join(', ')}${x.level ? ` (${x.level})` : ''}`),
  );
  expect(section('Tests whose techniques have no rules')).toEqual(report.undetectedTests.map((x) => `${x.title} (${x.path}) — ${x.technique}, ${x.testCount} tests`));
  expect(report.untestedRules.some((x) => x.path === HOSTILE_PATH && x.title === HOSTILE_TITLE && x.level === HOSTILE_LEVEL)).toBe(true);
  expect([...doc.querySelectorAll('h2')].map((h) => h.textContent)).toContain(`In layer "${HOSTILE_LAYER}" but undetected (${report.comparison?.undetected.length})`);
});

test('the note the plugin writes: wikilinks stay, rule levels and layer names cannot add HTML or images', () => {
  const markdown = gapsMarkdown(hostileReport());
  expect(markdown).toContain(`[[${HOSTILE_PATH.replace(/\.md$/, '').replace(/[|\]]/g, '')}|`);
  // Obsidian draws a wikilink's label as text; markdown-it does not know wikilinks, so they are set aside.
  const doc = render(markdown.replace(/\[\[[^\]]*\]\]/g, 'LINK'), false);
  expect(doc.querySelectorAll('img, script, b').length).toBe(0);
  const text = doc.body.textContent ?? '';
  expect(text).toContain(`(${HOSTILE_LEVEL})`);
  expect(text).toContain(`In layer "${HOSTILE_LAYER}" but undetected`);
});
