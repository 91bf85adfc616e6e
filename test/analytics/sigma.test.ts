/** Sigma detection parsing: modifiers (domain.md §5.5), condition grammar (§5.3) and generated detections. */
import fc from 'fast-check';
import { parseYamlCore } from '../../src/cli/yaml';
import { classifyString, parseCondition, parseSigmaDetection, type ConditionNode, type Predicate } from '../../src/core/analytics/sigma';

const rule = (detection: Record<string, unknown>): Record<string, unknown> => ({ title: 't', logsource: {}, detection });
/** Predicates of a one-field selection `F<key>: value`. */
const preds = (key: string, value: unknown): Predicate[] => parseSigmaDetection(rule({ sel: { [key]: value }, condition: 'sel' })).predicates;
const one = (key: string, value: unknown): Pick<Predicate, 'op' | 'value'> => {
  const [p] = preds(key, value);
  return { op: p!.op, value: p!.value };
};

describe('modifier → operator kind (§5.5)', () => {
  test.each([
    ['F', 'v', 'eq', 'v'],
    ['F', 'a*b?', 'wildcard', 'a*b?'],
    ['F', '*\\python.exe', 'ends_with', '\\python.exe'], // pySigma: a leading * alone is endswith
    ['F', 'C:\\Windows\\\\*', 'starts_with', 'C:\\Windows\\'], // `\\` is one backslash, then a wildcard
    ['F', 'C:\\Windows\\*', 'eq', 'C:\\Windows*'], // `\*` is a literal star
    ['F', '*x*', 'contains', 'x'],
    ['F|contains', '\\python', 'contains', '\\python'],
    ['F|startswith', 'C:\\', 'starts_with', 'C:\\'],
    ['F|endswith', '.exe', 'ends_with', '.exe'],
    ['F|contains', 'a*b', 'wildcard', '*a*b*'],
    ['F|re', '^a.*\\d$', 'regex_match', '^a.*\\d$'],
    ['F|re|i', 'abc', 'regex_match', 'abc'],
    ['F|cidr', '10.0.0.0/8', 'cidr_match', '10.0.0.0/8'],
    ['F|cased', 'Abc', 'eq_cs', 'Abc'],
    ['F|exists', true, 'is_not_null', ''],
    ['F|exists', false, 'is_null', ''],
    ['F', null, 'is_null', ''],
    ['F|gt', 5, 'compare', '5'],
    ['F|lte', 10, 'compare', '10'],
    ['F|neq', 'x', 'ne', 'x'],
    ['F|fieldref', 'Other', 'field_eq_field', 'Other'],
    ['F|expand', '%Admins%', 'placeholder', '%Admins%'],
    ['F|hour', 3, 'time_part', '3'],
    ['F|month', 12, 'time_part', '12'],
    ['F', 4688, 'eq', '4688'],
    ['F', true, 'eq', 'true'],
    ['F', '', 'eq', ''],
  ])('%s: %j → %s %j', (key, value, op, shown) => {
    expect(one(key, value)).toEqual({ op, value: shown });
  });

  test.each(['base64', 'base64offset|contains', 'wide|base64offset|contains', 'utf16le|base64', 'utf16be|base64', 'utf16|base64', 'windash|contains'])(
    'transform %s keeps the original value for display',
    (mods) => {
      const [p] = preds(`CommandLine|${mods}`, ' -enc ');
      expect(p!.value).toBe(' -enc ');
      expect(p!.op).toBe(mods.includes('contains') ? 'contains' : 'eq');
      expect(p!.modifiers).toEqual(mods.split('|'));
    },
  );

  test('a number under a string modifier keeps the modifier, and is reported (YAML may have changed it)', () => {
    // SigmaHQ registry_set_susp_keyboard_layout_load.yml: `Details|contains: - 00000429`, which YAML's core
    // schema reads as the number 429. The rule looks for the text somewhere in the value, never for equality.
    const text = 'sel:\n  Details|contains:\n    - 00000429\n    - 0000042a\ncondition: sel\n';
    const a = parseSigmaDetection(rule(parseYamlCore(text) as Record<string, unknown>));
    expect(a.predicates.map((p) => [p.op, p.value])).toEqual([
      ['contains', '429'],
      ['contains', '0000042a'],
    ]);
    expect(a.problems).toHaveLength(1);
    expect(a.problems[0]).toMatch(/Details\|contains.*number 429/);
    expect(one('F|startswith', 12)).toEqual({ op: 'starts_with', value: '12' });
    expect(one('F|endswith', 7)).toEqual({ op: 'ends_with', value: '7' });
    expect(one('F|windash|contains', 5)).toEqual({ op: 'contains', value: '5' });
    // Without a string modifier a number is an ordinary value.
    expect(parseSigmaDetection(rule({ sel: { EventID: 4688, 'F|gt': 3 }, condition: 'sel' })).problems).toEqual([]);
  });

  test('escapes: \\? and \\* are literals, other backslashes stay', () => {
    expect(one('Description', '\\?')).toEqual({ op: 'eq', value: '?' });
    expect(one('F', 'a\\*b')).toEqual({ op: 'eq', value: 'a*b' });
    expect(one('F', 'C:\\\\share')).toEqual({ op: 'eq', value: 'C:\\share' });
    expect(one('Image|contains', '\\python')).toEqual({ op: 'contains', value: '\\python' });
    // A literal ? inside a wildcard pattern stays escaped so it is not read as a wildcard.
    expect(classifyString('a\\?b*c*d')).toEqual({ op: 'wildcard', value: 'a\\?b*c*d' });
  });

  test('a list is one predicate per value; |all is recorded on each', () => {
    const ps = preds('CommandLine|contains|all', ['import', 'base64']);
    expect(ps.map((p) => [p.field, p.op, p.value, p.modifiers])).toEqual([
      ['CommandLine', 'contains', 'import', ['contains', 'all']],
      ['CommandLine', 'contains', 'base64', ['contains', 'all']],
    ]);
  });

  test('keywords: list of strings and |all maps give keyword predicates with no field', () => {
    const a = parseSigmaDetection(rule({ keywords: ['evil', 'bad*'], kw2: { '|all': ['x', 'y'] }, condition: 'keywords or kw2' }));
    expect(a.problems).toEqual([]);
    expect(a.predicates.map((p) => [p.selection, p.field, p.op, p.value, p.modifiers])).toEqual([
      ['keywords', null, 'keyword', 'evil', []],
      ['keywords', null, 'keyword', 'bad*', []],
      ['kw2', null, 'keyword', 'x', ['all']],
      ['kw2', null, 'keyword', 'y', ['all']],
    ]);
  });

  test('a list of maps gives the predicates of every map', () => {
    const a = parseSigmaDetection(rule({ sel: [{ Image: 'a' }, { OriginalFileName: 'b', Product: 'c' }], condition: 'sel' }));
    expect(a.predicates.map((p) => p.field)).toEqual(['Image', 'OriginalFileName', 'Product']);
  });

  test('unknown and misplaced modifiers are reported, the predicate is kept', () => {
    const a = parseSigmaDetection(rule({ sel: { 'F|bogus': 'x', 'G|i': 'y' }, condition: 'sel' }));
    expect(a.predicates.map((p) => p.field)).toEqual(['F', 'G']);
    expect(a.problems.join('\n')).toMatch(/unknown modifier "bogus"/);
    expect(a.problems.join('\n')).toMatch(/need the re modifier/);
  });
});

/** Renders a tree compactly: `a or b and c` style, with parentheses only where precedence needs them. */
const names = (n: ConditionNode): string =>
  n.type === 'ref' ? n.name : n.type === 'of' ? `${n.quantifier} of ${n.target}` : n.type === 'not' ? `not(${names(n.child)})` : `${n.type}(${n.children.map(names).join(', ')})`;

describe('condition grammar (§5.3)', () => {
  const sels = ['a', 'b', 'c', 'selection_x', 'selection_y', 'filter_1', 'filter_2', '_hidden'];
  const tree = (text: string): string => {
    const r = parseCondition(text, sels);
    expect(r.problems).toEqual([]);
    return names(r.node!);
  };

  test('precedence: or < and < not < x of < ( )', () => {
    expect(tree('a or b and c')).toBe('or(a, and(b, c))');
    expect(tree('a and b or c')).toBe('or(and(a, b), c)');
    expect(tree('not a and b')).toBe('and(not(a), b)');
    expect(tree('not a or b')).toBe('or(not(a), b)');
    expect(tree('(a or b) and c')).toBe('and(or(a, b), c)');
    expect(tree('not 1 of filter_*')).toBe('not(1 of filter_*)');
    expect(tree('all of selection_* and not 1 of filter_* or c')).toBe('or(and(all of selection_*, not(1 of filter_*)), c)');
    expect(tree('not not a')).toBe('not(not(a))');
    expect(tree('A AND NOT b'.replace('A', 'a'))).toBe('and(a, not(b))');
  });

  test('x of: patterns resolve to selections; them ignores _identifiers', () => {
    const of = (text: string): ConditionNode => parseCondition(text, sels).node!;
    expect(of('1 of selection*')).toEqual({ type: 'of', quantifier: 1, target: 'selection*', names: ['selection_x', 'selection_y'] });
    expect(of('all of filter_*')).toMatchObject({ quantifier: 'all', names: ['filter_1', 'filter_2'] });
    expect(of('all of them')).toMatchObject({ quantifier: 'all', names: ['a', 'b', 'c', 'selection_x', 'selection_y', 'filter_1', 'filter_2'] });
    expect(of('1 of them')).toMatchObject({ quantifier: 1 });
    expect(of('any of a*')).toMatchObject({ quantifier: 'any', names: ['a'] });
  });

  test('problems, never exceptions', () => {
    expect(parseCondition('a and (b', sels)).toMatchObject({ node: null, problems: [expect.stringMatching(/unparsable condition/)] });
    expect(parseCondition('and a', sels).node).toBeNull();
    expect(parseCondition('', sels).problems[0]).toMatch(/empty condition/);
    expect(parseCondition('a and missing', sels).problems).toEqual(['condition names missing selection "missing"']);
    expect(parseCondition('1 of nothing_*', sels).problems).toEqual(['"1 of nothing_*" matches no selection']);
    const agg = parseCondition('a | count() by b > 5', sels);
    expect(names(agg.node!)).toBe('a');
    expect(agg.problems[0]).toMatch(/aggregation .* not evaluated/);
    // "write" is not reported as a missing selection when the whole condition is not Sigma.
    expect(parseCondition('write X from a to list', sels).problems).toEqual([expect.stringMatching(/^unparsable condition/)]);
  });

  test('negation parity per selection', () => {
    const neg = (cond: string): Record<string, boolean> => {
      const det = Object.fromEntries(sels.map((s) => [s, { F: s }]));
      const a = parseSigmaDetection(rule({ ...det, condition: cond }));
      return Object.fromEntries(a.predicates.map((p) => [p.selection, p.negated]));
    };
    expect(neg('a and not b')).toMatchObject({ a: false, b: true });
    expect(neg('a and not (b or not c)')).toMatchObject({ a: false, b: true, c: false });
    expect(neg('not not a')).toMatchObject({ a: false });
    expect(neg('selection_x and not 1 of filter_*')).toMatchObject({ selection_x: false, filter_1: true, filter_2: true, a: false });
    // Used both plainly and under `not`: not an exclusion.
    expect(neg('(a and b) or (c and not a)')).toMatchObject({ a: false });
  });

  test('x of: wildcard targets with many stars, and thousands of targets, match by their fixed parts', () => {
    // A regular expression made from `*a*a*…!` backtracks for a minute and more over a name of 40 `a`s.
    const name = 'a'.repeat(40);
    const r = parseCondition(`1 of ${'*a'.repeat(12)}!`, [name, 'b']);
    expect(r.problems).toEqual([`"1 of ${'*a'.repeat(12)}!" matches no selection`]);
    expect(parseCondition(`1 of ${'*a'.repeat(12)}*`, [name, 'b']).node).toMatchObject({ names: [name] });
    expect(parseCondition('1 of a*a', ['aa', 'aba', 'ab', 'a']).node).toMatchObject({ names: ['aa', 'aba'] });
    expect(parseCondition('1 of *_x', ['sel_x', '_x', 'x', 'sel_x_y']).node).toMatchObject({ names: ['sel_x', '_x'] });
    expect(parseCondition('1 of sel.+', ['sel.+', 'sell']).node).toMatchObject({ names: ['sel.+'] });
    // Thousands of selections, each named by its own pattern: no pattern is rebuilt per name.
    const many = Array.from({ length: 5000 }, (_, i) => `sel${i}`);
    const big = parseCondition(many.map((s) => `1 of ${s}*`).join(' or '), many);
    expect(big.problems).toEqual([]);
  });

  test('a list of conditions is an OR', () => {
    const a = parseSigmaDetection(rule({ a: { F: 1 }, b: { G: 2 }, condition: ['a', 'not b'] }));
    expect(names(a.condition!)).toBe('or(a, not(b))');
    expect(a.predicates.find((p) => p.selection === 'b')!.negated).toBe(true);
  });
});

describe('rule-level problems', () => {
  test('correlation and filter files are not detection rules', () => {
    expect(parseSigmaDetection({ title: 'c', correlation: { type: 'event_count', rules: ['x'] } }).problems).toEqual(['correlation rule: not a detection rule']);
    expect(parseSigmaDetection({ title: 'f', filter: { rules: ['x'], selection: {}, condition: 'selection' } }).problems).toEqual(['filter file: not a detection rule']);
    expect(parseSigmaDetection({ title: 'x' }).problems).toEqual(['rule has no detection map']);
    expect(parseSigmaDetection(rule({ sel: { F: 1 } })).problems).toEqual(['detection has no condition']);
  });

  test('prototype names are not modifiers; cyclic YAML (aliases) does not break problem messages', () => {
    expect(parseSigmaDetection(rule({ sel: { 'F|constructor': 'x' }, condition: 'sel' })).problems).toEqual([
      'selection "sel", key "F|constructor": unknown modifier "constructor"',
    ]);
    const loop: unknown[] = [];
    loop.push(loop);
    const a = parseSigmaDetection(rule({ sel: loop, other: { 'F|exists': loop }, condition: 'sel or other' }));
    expect(a.problems).toEqual(['selection "sel": unsupported list item (a list)', 'selection "other", key "F|exists": nested list values are not valid Sigma']);
  });

  test('odd shapes are reported', () => {
    const a = parseSigmaDetection(rule({ sel: { F: [], G: { nested: 1 }, H: [[1]] }, empty: null, condition: 'sel and empty' }));
    expect(a.problems.length).toBe(4);
    expect(a.predicates).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Property tests on generated detections

type Gen = { t: 'ref'; name: string } | { t: 'of'; q: '1' | 'all'; target: string } | { t: 'not'; c: Gen } | { t: 'and' | 'or'; l: Gen; r: Gen };

const SELECTION_NAMES = ['selection', 'selection_img', 'selection_cli', 'filter_main', 'filter_opt', 'keywords', '_aux'];
const TARGETS = ['them', 'selection*', 'selection_*', 'filter_*', 'filter*'];

/** Which selections an `of` target resolves to, computed independently of the parser. */
function targetNames(target: string, present: string[]): string[] {
  if (target === 'them') return present.filter((n) => !n.startsWith('_'));
  const prefix = target.slice(0, -1);
  return present.filter((n) => n.startsWith(prefix));
}

function render(g: Gen, ctx: 'or' | 'and' | 'unary', parens: boolean): string {
  switch (g.t) {
    case 'ref':
      return g.name;
    case 'of':
      return `${g.q} of ${g.target}`;
    case 'not': {
      const inner = render(g.c, 'unary', parens);
      return g.c.t === 'ref' || g.c.t === 'of' || g.c.t === 'not' ? `not ${inner}` : `not (${render(g.c, 'or', parens)})`;
    }
    default: {
      const s = `${render(g.l, g.t, parens)} ${g.t} ${render(g.r, g.t, parens)}`;
      // Parentheses only where precedence demands, or everywhere when `parens`.
      const need = ctx === 'unary' || (ctx === 'and' && g.t === 'or') || parens;
      return need ? `(${s})` : s;
    }
  }
}

function parities(g: Gen, odd: boolean, present: string[], acc: Map<string, Set<boolean>>): void {
  const mark = (n: string): void => void acc.set(n, (acc.get(n) ?? new Set<boolean>()).add(odd));
  if (g.t === 'ref') mark(g.name);
  else if (g.t === 'of') targetNames(g.target, present).forEach(mark);
  else if (g.t === 'not') parities(g.c, !odd, present, acc);
  else {
    parities(g.l, odd, present, acc);
    parities(g.r, odd, present, acc);
  }
}

function evalGen(g: Gen, truth: Record<string, boolean>, present: string[]): boolean {
  switch (g.t) {
    case 'ref':
      return truth[g.name] ?? false;
    case 'of': {
      const ns = targetNames(g.target, present).map((n) => truth[n] ?? false);
      return g.q === 'all' ? ns.every(Boolean) : ns.some(Boolean);
    }
    case 'not':
      return !evalGen(g.c, truth, present);
    case 'and':
      return evalGen(g.l, truth, present) && evalGen(g.r, truth, present);
    case 'or':
      return evalGen(g.l, truth, present) || evalGen(g.r, truth, present);
  }
}

function evalNode(n: ConditionNode, truth: Record<string, boolean>): boolean {
  switch (n.type) {
    case 'ref':
      return truth[n.name] ?? false;
    case 'of':
      return n.quantifier === 'all' ? n.names.every((x) => truth[x] ?? false) : n.names.some((x) => truth[x] ?? false);
    case 'not':
      return !evalNode(n.child, truth);
    case 'and':
      return n.children.every((c) => evalNode(c, truth));
    case 'or':
      return n.children.some((c) => evalNode(c, truth));
  }
}

const FIELDS = ['Image', 'CommandLine', 'ParentImage', 'EventID', 'TargetObject'];
const MODS = ['', '|contains', '|startswith', '|endswith', '|contains|all', '|re', '|cidr', '|base64offset|contains', '|windash|contains', '|cased', '|exists', '|gt', '|neq', '|fieldref', '|expand'];
const valueArb = fc.oneof(fc.string({ maxLength: 8 }), fc.integer({ min: 0, max: 9999 }), fc.constant(null), fc.constantFrom('\\?', '*x*', 'a\\*b', '\\python'));
const mapArb = fc.dictionary(
  fc.tuple(fc.constantFrom(...FIELDS), fc.constantFrom(...MODS)).map(([f, m]) => f + m),
  fc.oneof(valueArb, fc.array(valueArb, { minLength: 1, maxLength: 3 })),
  { minKeys: 1, maxKeys: 3 },
);
const bodyArb = fc.oneof(mapArb, fc.array(mapArb, { minLength: 1, maxLength: 3 }), fc.array(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 3 }));

const detectionArb = fc
  .uniqueArray(fc.constantFrom(...SELECTION_NAMES), { minLength: 1, maxLength: SELECTION_NAMES.length })
  .chain((present) => {
    const targets = TARGETS.filter((t) => targetNames(t, present).length > 0);
    const ref = fc.constantFrom(...present).map((name): Gen => ({ t: 'ref', name }));
    const of = (): fc.Arbitrary<Gen> =>
      fc.tuple(fc.constantFrom('1' as const, 'all' as const), fc.constantFrom(...targets)).map(([q, target]): Gen => ({ t: 'of', q, target }));
    const leaf = targets.length > 0 ? fc.oneof({ weight: 3, arbitrary: ref }, { weight: 1, arbitrary: of() }) : ref;
    const { tree } = fc.letrec<{ tree: Gen }>((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        tie('tree').map((c): Gen => ({ t: 'not', c })),
        fc.tuple(fc.constantFrom('and' as const, 'or' as const), tie('tree'), tie('tree')).map(([t, l, r]): Gen => ({ t, l, r })),
      ),
    }));
    return fc.record({
      present: fc.constant(present),
      bodies: fc.tuple(...present.map(() => bodyArb)),
      cond: tree,
      parens: fc.boolean(),
    });
  });

describe('generated detections (fast-check)', () => {
  test('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.anything(), (x) => {
        const a = parseSigmaDetection(x as Record<string, unknown>);
        expect(Array.isArray(a.problems)).toBe(true);
        const b = parseSigmaDetection({ detection: x });
        expect(Array.isArray(b.predicates)).toBe(true);
      }),
      { numRuns: 500 },
    );
    fc.assert(fc.property(fc.string(), (s) => void parseCondition(s, ['a', 'b'])), { numRuns: 500 });
  });

  test('named selections yield predicates, negation parity holds, and the parsed condition means the same', () => {
    fc.assert(
      fc.property(detectionArb, fc.dictionary(fc.constantFrom(...SELECTION_NAMES), fc.boolean()), ({ present, bodies, cond, parens }, truth) => {
        const text = render(cond, 'or', parens);
        const detection: Record<string, unknown> = Object.fromEntries(present.map((n, i) => [n, bodies[i]]));
        const a = parseSigmaDetection(rule({ ...detection, condition: text }));
        expect(a.problems.filter((p) => /condition|matches no selection/.test(p))).toEqual([]);
        expect(a.condition).not.toBeNull();

        const par = new Map<string, Set<boolean>>();
        parities(cond, false, present, par);
        for (const name of par.keys()) expect(a.predicates.some((p) => p.selection === name)).toBe(true);
        for (const p of a.predicates) {
          const s = par.get(p.selection);
          expect(p.negated).toBe(s !== undefined && s.has(true) && !s.has(false));
        }
        expect(evalNode(a.condition!, truth)).toBe(evalGen(cond, truth, present));
      }),
      { numRuns: 400 },
    );
  });
});
