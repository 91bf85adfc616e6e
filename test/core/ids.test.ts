import fc from 'fast-check';
import {
  findIdsInText,
  idFromAlias,
  idFromFileName,
  idFromPathOrUrl,
  idFromTag,
  idFromUrl,
  isSubtechnique,
  looksLikeMalformedId,
  parentOf,
  parseBareId,
  toTagForm,
} from '../../src/core/ids';

describe('technique IDs in the spellings vaults use', () => {
  test.each([
    ['T1059.006', 'T1059.006'],
    ['T1059_006', 'T1059.006'],
    ['t1059_006', 'T1059.006'],
    ['#T1059_006', 'T1059.006'],
    ['attack.t1059.006', 'T1059.006'],
    ['attack.t1059', 'T1059'],
    ['attack/T1059.006', 'T1059.006'],
    ['mitre/technique/t1059.006', 'T1059.006'],
    ['#t1003', 'T1003'],
  ])('tag %s → %s', (tag, id) => expect(idFromTag(tag)).toBe(id));

  test.each(['execution', 'attack.execution', 'attack.g0069', 'car_2013-05-004', 'cve_2021_36934', 'T1059.6', 'T10591', 'techniques', 'attack/tactic/execution'])(
    'tag %s names no technique',
    (tag) => expect(idFromTag(tag)).toBeNull(),
  );

  test.each([
    ['https://attack.mitre.org/techniques/T1059/006', 'T1059.006'],
    ['https://attack.mitre.org/techniques/T1059/006/', 'T1059.006'],
    ['https://attack.mitre.org/techniques/T1059/', 'T1059'],
    ['attack.mitre.org/techniques/T1566/001', 'T1566.001'],
  ])('url %s → %s', (url, id) => expect(idFromUrl(url)).toBe(id));

  test.each([
    ['T1059.006 - Command and Scripting Interpreter- Python.md', 'T1059.006'],
    ['T1059.006-Python.md', 'T1059.006'],
    ['T1059.006', 'T1059.006'],
    ['Python - T1059.006.md', 'T1059.006'],
    ['Command and Scripting Interpreter - T1059', 'T1059'],
  ])('file name %s → %s', (name, id) => expect(idFromFileName(name)).toBe(id));

  test.each(['Python.md', 'T1059.6 - x.md', 'Notes on T1059.006.md', 'Detection Rules.md'])('file name %s names no technique', (name) =>
    expect(idFromFileName(name)).toBeNull(),
  );

  test.each([
    ['T1059.006', 'T1059.006'],
    ['T1059.006 (Python)', 'T1059.006'],
    ['Python (T1059.006)', 'T1059.006'],
  ])('alias %s → %s', (a, id) => expect(idFromAlias(a)).toBe(id));

  test('the fork writes a vault path in mitre-attack', () => {
    expect(idFromPathOrUrl('kb/mitre/attack/techniques/T1059.006-Python')).toBe('T1059.006');
  });

  test('free text: only well-formed IDs, each once', () => {
    expect(findIdsInText('See T1059.006 and t1059_006, not T1059.6 or XT1234 or T12345; then T1003.')).toEqual(['T1059.006', 'T1003']);
  });

  test('free text: an ATT&CK URL names the sub-technique, not its parent', () => {
    expect(findIdsInText('[Process Hollowing](https://attack.mitre.org/techniques/T1055/012/) and T1003')).toEqual(['T1055.012', 'T1003']);
    expect(findIdsInText('https://attack.mitre.org/techniques/T1059/006')).toEqual(['T1059.006']);
    // Outside a URL a slash does not join the two, and a fourth digit is no sub-technique.
    expect(findIdsInText('T1059/006 and techniques/T1059/0061')).toEqual(['T1059']);
  });

  test('sub-technique 000 is malformed in every spelling, never an ID', () => {
    expect(idFromFileName('T1105.000 - Ingress Tool Transfer.md')).toBeNull();
    expect(idFromUrl('https://attack.mitre.org/techniques/T1105/000/')).toBeNull();
    expect(idFromAlias('T1105.000')).toBeNull();
    expect(idFromTag('attack.t1105.000')).toBeNull();
    expect(findIdsInText('T1105.000 and T1105.001')).toEqual(['T1105.001']);
    expect(looksLikeMalformedId('T1105.000')).toBe(true);
  });

  test('malformed IDs are recognised as such', () => {
    expect(looksLikeMalformedId('T1059.6')).toBe(true);
    expect(looksLikeMalformedId('t1059_06')).toBe(true);
    expect(looksLikeMalformedId('T1059.006')).toBe(false);
    expect(looksLikeMalformedId('execution')).toBe(false);
  });

  test('parent and sub-technique relations', () => {
    expect(isSubtechnique('T1059.006')).toBe(true);
    expect(isSubtechnique('T1059')).toBe(false);
    expect(parentOf('T1059.006')).toBe('T1059');
    expect(toTagForm('T1059.006')).toBe('T1059_006');
  });

  test('every spelling of a generated ID parses back to it', () => {
    const id = fc.tuple(fc.integer({ min: 1000, max: 1999 }), fc.option(fc.integer({ min: 1, max: 999 }), { nil: undefined }));
    fc.assert(
      fc.property(id, ([main, sub]) => {
        const canonical = sub === undefined ? `T${main}` : `T${main}.${String(sub).padStart(3, '0')}`;
        const spellings = [canonical, canonical.toLowerCase(), toTagForm(canonical), `#${toTagForm(canonical)}`, `attack.${canonical.toLowerCase()}`, `attack/${canonical}`];
        for (const s of spellings) expect(idFromTag(s)).toBe(canonical);
        expect(parseBareId(canonical)).toBe(canonical);
        expect(idFromFileName(`${canonical} - Some Name.md`)).toBe(canonical);
        expect(idFromUrl(`https://attack.mitre.org/techniques/${canonical.replace('.', '/')}/`)).toBe(canonical);
      }),
    );
  });
});

test('sub-technique 000 does not exist', () => {
  expect(parseBareId('T1105.000')).toBeNull();
  expect(idFromTag('attack.t1105.000')).toBeNull();
});
