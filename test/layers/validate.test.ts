/**
 * The 4.5 checker against the spec itself: the spec's own example passes, and each rule of the spec's
 * property tables, broken one at a time, is caught.
 */
import { validateLayer, validateLayerFile, versionAtLeast } from '../../src/core/layers';

/** The spec example of `layers/spec/v4.5/layerformat.md` (domain.md §10), values verbatim. */
const SPEC_EXAMPLE = {
  name: 'example layer',
  versions: { attack: '18', navigator: '5.2.0', layer: '4.5' },
  domain: 'enterprise-attack',
  description: 'hello, world',
  filters: { platforms: ['Windows', 'macOS'] },
  sorting: 2,
  layout: { layout: 'side', showName: true, showID: false, showAggregateScores: true, countUnscored: true, aggregateFunction: 'average', expandedSubtechniques: 'annotated' },
  hideDisabled: false,
  techniques: [
    { techniqueID: 'T1110', score: 0, color: '#fd8d3c', comment: 'This is a comment for technique T1110', showSubtechniques: true },
    { techniqueID: 'T1110.001', score: 100, comment: 'sub', links: [{ label: 'Navigator GitHub', url: 'https://github.com/mitre-attack/attack-navigator' }] },
    { techniqueID: 'T1134', tactic: 'defense-evasion', score: 75, comment: 'this is a comment for T1134 which is only applied on the defense-evasion tactic' },
    { techniqueID: 'T1078', tactic: 'discovery', enabled: false },
    { techniqueID: 'T1053', tactic: 'privilege-escalation', metadata: [{ name: 'T1053 metadata1', value: 'T1053 metadata1 value' }, { divider: true }, { name: 'T1053 metadata2', value: 'T1053 metadata2 value' }] },
  ],
  gradient: { colors: ['#ff6666', '#ffe766', '#8ec843'], minValue: 0, maxValue: 100 },
  legendItems: [{ label: 'Legend Item Label', color: '#FF00FF' }],
  showTacticRowBackground: true,
  tacticRowBackground: '#dddddd',
  selectTechniquesAcrossTactics: false,
  selectSubtechniquesWithParent: false,
  selectVisibleTechniques: false,
  metadata: [{ name: 'layer metadata 1', value: 'layer metadata 1 value' }, { divider: true }, { name: 'layer metadata 2', value: 'layer metadata 2 value' }],
};

type Layer = Record<string, unknown>;
const clone = (): Layer => JSON.parse(JSON.stringify(SPEC_EXAMPLE));

describe('validateLayer', () => {
  test('the spec example is valid, with no warnings', () => {
    expect(validateLayer(SPEC_EXAMPLE)).toEqual({ errors: [], warnings: [] });
    expect(validateLayerFile([SPEC_EXAMPLE, SPEC_EXAMPLE]).errors).toEqual([]);
  });

  const broken: Array<[string, (l: Layer) => void, RegExp]> = [
    ['name is required', (l) => delete l.name, /name is required/],
    ['domain is required', (l) => delete l.domain, /domain is required/],
    ['domain is one of three', (l) => (l.domain = 'enterprise'), /domain "enterprise"/],
    ['layer must be "4.5"', (l) => ((l.versions as Layer).layer = '4.4'), /must be "4.5"/],
    ['navigator at least 4.9.0', (l) => ((l.versions as Layer).navigator = '4.8.1'), /at least "4.9.0"/],
    ['navigator is required', (l) => delete (l.versions as Layer).navigator, /navigator is required/],
    ['sorting 0–3', (l) => (l.sorting = 4), /sorting/],
    ['layout enum', (l) => ((l.layout as Layer).layout = 'grid'), /layout.layout/],
    ['aggregateFunction enum', (l) => ((l.layout as Layer).aggregateFunction = 'median'), /aggregateFunction/],
    ['techniqueID format', (l) => ((l.techniques as Layer[])[0]!.techniqueID = 'T1110.1'), /T#### or T####.###/],
    ['techniqueID required', (l) => delete (l.techniques as Layer[])[0]!.techniqueID, /techniqueID is required/],
    ['score is a number', (l) => ((l.techniques as Layer[])[0]!.score = '5'), /score must be a number/],
    ['enabled is a boolean', (l) => ((l.techniques as Layer[])[0]!.enabled = 'yes'), /enabled must be a boolean/],
    ['gradient needs two colours', (l) => ((l.gradient as Layer).colors = ['#ffffff']), /at least two/],
    ['gradient colours are hex', (l) => ((l.gradient as Layer).colors = ['red', 'green']), /hexadecimal/],
    ['maxValue > minValue', (l) => ((l.gradient as Layer).maxValue = 0), /greater than/],
    ['link URLs need a protocol', (l) => ((l.techniques as Layer[])[1]!.links = [{ label: 'x', url: 'example.com' }]), /protocol/],
    ['metadata value is a string', (l) => ((l.metadata as Layer[])[0]!.value = 3), /value is required/],
    ['legend items need label and color', (l) => (l.legendItems = [{ label: 'x' }]), /legendItems\[0\]/],
    ['hideDisabled is a boolean', (l) => (l.hideDisabled = 1), /hideDisabled/],
  ];
  test.each(broken)('%s', (_name, breakIt, message) => {
    const l = clone();
    breakIt(l);
    const { errors } = validateLayer(l);
    expect(errors.some((e) => message.test(e))).toBe(true);
  });

  test('showSubtechniques only on a technique that has sub-techniques (with catalog facts)', () => {
    const l = clone();
    (l.techniques as Layer[])[1]!.showSubtechniques = true;
    const catalog = { tactics: () => undefined, hasSubtechniques: (id: string) => id === 'T1110' };
    expect(validateLayer(l, { catalog }).errors.some((e) => /showSubtechniques is only valid/.test(e))).toBe(true);
  });

  test('showSubtechniques: false, as Navigator writes on every technique it exports, is fine without sub-techniques', () => {
    const l = clone();
    (l.techniques as Layer[])[1]!.showSubtechniques = false;
    const catalog = { tactics: () => undefined, hasSubtechniques: (id: string) => id === 'T1110' };
    expect(validateLayer(l, { catalog }).errors).toEqual([]);
  });

  test('older formats are errors by default, warnings when importing leniently', () => {
    const l = clone();
    (l.versions as Layer).layer = '4.4';
    expect(validateLayer(l).errors.length).toBe(1);
    const lenient = validateLayer(l, { lenientVersion: true });
    expect(lenient.errors).toEqual([]);
    expect(lenient.warnings.length).toBe(1);
  });

  test('unknown keys are warnings', () => {
    expect(validateLayer({ ...clone(), colour: 'x' }).warnings).toEqual(['unknown layer key "colour"']);
  });

  test('versions compare numerically', () => {
    expect(versionAtLeast('5.1.0', '4.9.0')).toBe(true);
    expect(versionAtLeast('4.10', '4.9.0')).toBe(true);
    expect(versionAtLeast('4.9', '4.9.0')).toBe(true);
    expect(versionAtLeast('4.8.1', '4.9.0')).toBe(false);
    expect(versionAtLeast('v5', '4.9.0')).toBe(false);
  });
});
