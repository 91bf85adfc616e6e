/**
 * `--cache`: a load that reuses facts from earlier runs must index exactly what a load without the cache
 * indexes, whatever happened to the notes in between (edits, new notes, deletions, renames, broken
 * YAML), and must reuse the facts of exactly the notes whose text did not change. The oracle for the
 * index is a plain load of the same folder; the oracle for reuse is a model of the edits made.
 */
import fc from 'fast-check';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { FactCache } from '../../src/cli/fact-cache';
import { listNotes, loadVault } from '../../src/cli/vault';
import { scanReport } from '../../src/core/report';
import { capture } from '../support/cli';

const VAULT = join(__dirname, '../../test-vault');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'attack-coverage-cache-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** What `scan --json` reports for the folder, read without any cache. */
const plain = (root: string): unknown => JSON.parse(JSON.stringify(scanReport(loadVault(root, { keepSources: false }).index, root)));

/** The same through a cache kept in `file`: the report, and how many notes were reused. */
function cached(root: string, file: string): { report: unknown; hits: number; analysed: number; problem: string | null } {
  const cache = FactCache.open(file, root);
  const report = JSON.parse(JSON.stringify(scanReport(loadVault(root, { keepSources: false, cache }).index, root)));
  expect(cache.save()).toBeNull();
  return { report, hits: cache.hits, analysed: cache.analysed, problem: cache.problem };
}

test('test-vault through a cold cache, then a warm one, reports what a plain scan reports', () => {
  const file = join(dir, 'cache');
  const expected = plain(VAULT);
  const notes = listNotes(VAULT).length;
  const cold = cached(VAULT, file);
  expect(cold).toEqual({ report: expected, hits: 0, analysed: notes, problem: null });
  const warm = cached(VAULT, file);
  expect(warm).toEqual({ report: expected, hits: notes, analysed: 0, problem: null });
});

test('an edited, a new, a deleted and a renamed note are read again; the others are reused', () => {
  const vault = join(dir, 'vault');
  cpSync(VAULT, vault, { recursive: true });
  const file = join(dir, 'cache');
  const notes = listNotes(vault);
  cached(vault, file);

  const technique = notes.find((p) => p.startsWith('Use Cases/') && p.includes('T1059.006'));
  const rule = notes.find((p) => p.startsWith('Detection Rules/'));
  const deleted = notes.find((p) => p.startsWith('atomics/') || p.startsWith('Testing Runbooks/'));
  if (!technique || !rule || !deleted) throw new Error('test-vault lacks the expected folders');
  const renamed = notes.find((p) => p !== rule && p.startsWith('Detection Rules/')) as string;
  // The rule now names a second technique, so the index must change where the cached facts would not.
  writeFileSync(join(vault, rule), readFileSync(join(vault, rule), 'utf8') + '\n#T1003_001\n');
  writeFileSync(join(vault, 'Detection Rules/new rule.md'), '---\ntags: [detection_rule, attack.t1059.006]\ntitle: New rule\n---\n');
  unlinkSync(join(vault, deleted));
  renameSync(join(vault, renamed), join(vault, 'Detection Rules/renamed rule.md'));

  const after = cached(vault, file);
  expect(after.report).toEqual(plain(vault));
  expect(after.analysed).toBe(3); // the edited, the new and the renamed note
  expect(after.hits).toBe(notes.length - 3); // all but the edited, the deleted and the renamed note
  // The cache was saved without the notes that are gone: a second run reuses every note.
  expect(cached(vault, file)).toMatchObject({ hits: notes.length, analysed: 0 });
});

test('settings changed between runs apply to cached facts: they hold no classification of their own', () => {
  const vault = join(dir, 'vault');
  cpSync(VAULT, vault, { recursive: true });
  const file = join(dir, 'cache');
  const notes = listNotes(vault).length;
  const before = cached(vault, file).report;
  // The plugin's saved settings now roll nothing up and know other role folders and tags.
  const settings = join(vault, '.obsidian/plugins/attack-coverage/data.json');
  mkdirSync(dirname(settings), { recursive: true });
  writeFileSync(settings, JSON.stringify({ ruleFolders: [], ruleTags: ['no_such_tag'], testFolders: [], testTags: ['no_such_tag'], rollUp: false }));
  const after = cached(vault, file);
  expect(after).toMatchObject({ hits: notes, analysed: 0 });
  expect(after.report).toEqual(plain(vault));
  // The settings did change what the scan reports, so the equality above is not the old report again.
  expect(after.report).not.toEqual(before);
  expect((after.report as { rollUp: boolean }).rollUp).toBe(false);
});

describe('a cache file that cannot be used is set aside, never trusted', () => {
  /** A two-note vault, cached in `file` once. */
  function cachedVault(): { vault: string; file: string } {
    const vault = join(dir, 'vault');
    mkdirSync(join(vault, 'Use Cases'), { recursive: true });
    writeFileSync(join(vault, 'Use Cases/T1059.006 - Python.md'), '---\ntags: [techniques, T1059_006]\n---\n# Python\n');
    writeFileSync(join(vault, 'rule.md'), '---\ntags: [detection_rule, attack.t1059.006]\n---\n');
    const file = join(dir, 'cache');
    cached(vault, file);
    return { vault, file };
  }
  /** Opens the cache as the CLI does, checks what it says, and indexes through it as a plain load does. */
  function openSpoilt(vault: string, file: string, message: RegExp): FactCache {
    const cache = FactCache.open(file, vault);
    expect(cache.problem).toMatch(message);
    expect(cache.has('rule.md')).toBe(false);
    const report = JSON.parse(JSON.stringify(scanReport(loadVault(vault, { keepSources: false, cache }).index, vault)));
    expect(report).toEqual(plain(vault));
    return cache;
  }

  const damaged: Array<[string, (bytes: Buffer) => Buffer]> = [
    ['truncated', (b) => b.subarray(0, b.length >> 1)],
    ['with its record replaced by JSON', (b) => Buffer.concat([b.subarray(0, b.indexOf(10) + 1), Buffer.from('{"format":1}')])],
    ['with random bytes after the marker line', (b) => Buffer.concat([b.subarray(0, b.indexOf(10) + 1), Buffer.from([0xff, 0x0d, 0x01, 0x99, 0x00])])],
  ];
  test.each(damaged)('a cache file %s is replaced by a good one', (_name, spoil) => {
    const { vault, file } = cachedVault();
    writeFileSync(file, spoil(readFileSync(file)));
    expect(openSpoilt(vault, file, /is damaged; starting a new one/).save()).toBeNull();
    expect(cached(vault, file)).toMatchObject({ hits: 2, problem: null });
  });

  const foreign: Array<[string, string | Buffer]> = [
    ['a note', '---\ntags: [detection_rule]\n---\n# My rule\n'],
    ['a JSON file', '{"format":1,"entries":{}}'],
    ['random bytes', Buffer.from([0xff, 0x0d, 0x01, 0x02, 0x99, 0x00, 0x42])],
  ];
  test.each(foreign)('%s given as the cache is never written over', (_name, content) => {
    const { vault, file } = cachedVault();
    writeFileSync(file, content);
    const cache = openSpoilt(vault, file, /is not a cache file; it is left as it is/);
    expect(cache.save()).toBeNull();
    expect(readFileSync(file)).toEqual(Buffer.isBuffer(content) ? content : Buffer.from(content));
  });

  test('an empty note given as the cache stays an empty note, and a missing one is not created', () => {
    const { vault } = cachedVault();
    const note = join(vault, 'Empty.md');
    writeFileSync(note, '');
    expect(openSpoilt(vault, note, /is not a cache file; it is left as it is/).save()).toBeNull();
    expect(readFileSync(note, 'utf8')).toBe('');
    const missing = join(vault, 'New note.MD');
    expect(openSpoilt(vault, missing, /is not a cache file/).save()).toBeNull();
    expect(existsSync(missing)).toBe(false);
  });

  test('a folder given as the cache: nothing is written, and the reason is given', () => {
    const { vault, file } = cachedVault();
    rmSync(file);
    mkdirSync(file);
    expect(openSpoilt(vault, file, /cannot read cache/).save()).toMatch(/^cannot write cache/);
  });

  test('an empty file is taken as a new cache', () => {
    const { vault, file } = cachedVault();
    writeFileSync(file, '');
    expect(FactCache.open(file, vault).problem).toBeNull();
    expect(cached(vault, file)).toMatchObject({ hits: 0, analysed: 2 });
    expect(cached(vault, file)).toMatchObject({ hits: 2, analysed: 0 });
  });

  test('entries that are not what this build writes are dropped and their notes read again', () => {
    const vault = join(dir, 'vault');
    cpSync(VAULT, vault, { recursive: true });
    const file = join(dir, 'cache');
    cached(vault, file);
    const bytes = readFileSync(file);
    const marker = bytes.subarray(0, bytes.indexOf(10) + 1);
    const data = deserialize(bytes.subarray(marker.length)) as { entries: Map<string, { hash: string; facts: Record<string, unknown> }> };
    const paths = [...data.entries.keys()];
    // One way of spoiling an entry per kind of field; every other entry stays as written.
    const spoils: Array<(f: Record<string, unknown>) => void> = [
      (f) => (f.tags = 5),
      (f) => (f.taggedIds = 'T1059'),
      (f) => (f.path = 'elsewhere.md'),
      (f) => (f.rule = { title: 'x' }),
      (f) => (f.diagnostics = [{ path: f.path, severity: 'fatal', message: 'x' }]),
      (f) => (f.atomicTests = '2'),
      (f) => delete f.ruleLike,
    ];
    const spoilt = spoils.map((spoil, k) => {
      const path = paths[k * 37] as string;
      spoil((data.entries.get(path) as { facts: Record<string, unknown> }).facts);
      return path;
    });
    writeFileSync(file, Buffer.concat([marker, serialize(data)]));
    const cache = FactCache.open(file, vault);
    expect(cache.problem).toBeNull();
    expect(spoilt.filter((p) => cache.has(p))).toEqual([]);
    expect(paths.filter((p) => !cache.has(p))).toEqual(spoilt);
    expect(cached(vault, file)).toMatchObject({ report: plain(vault), hits: paths.length - spoilt.length, analysed: spoilt.length });
  });

  test("another vault's cache is not used for this one", () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    for (const v of [a, b]) mkdirSync(v);
    writeFileSync(join(a, 'rule.md'), '---\ntags: [detection_rule, attack.t1059.006]\n---\n');
    writeFileSync(join(b, 'rule.md'), '---\ntags: [detection_rule, attack.t1059.006]\n---\n');
    const file = join(dir, 'cache');
    cached(a, file);
    expect(cached(b, file)).toMatchObject({ hits: 0, analysed: 1, problem: null });
  });
});

test('a cache that cannot be written leaves the scan as it is and says why', async () => {
  const file = join(dir, 'no such folder', 'cache');
  const r = await capture(['scan', VAULT, '--json', '--cache', file]);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual(plain(VAULT));
  expect(r.stderr).toMatch(/cannot write cache ".*no such folder.*cache"/);
});

/** Random histories of edits: after each step the cached load must equal a plain load. */
test('after any sequence of edits, a cached load equals a plain load and reuses exactly the unchanged notes', () => {
  const pool = listNotes(VAULT)
    .filter((_, i) => i % 11 === 0)
    .map((p) => readFileSync(join(VAULT, p), 'utf8'));
  const names = ['Use Cases/a.md', 'Use Cases/T1059.006 - Python.md', 'Detection Rules/b.md', 'Detection Rules/sub/c.md', 'atomics/T1059.001/T1059.001.md', 'd.md'];
  const text = fc.oneof(
    fc.constantFrom(...pool),
    fc.constantFrom('', '---\ntags: [t1059\n---\n', '---\n- a list\n---\n', '\uFEFF---\r\ntags: detection_rule\r\n---\r\n#t1003_001\r\n'),
    fc.string(),
  );
  const step = fc.oneof(
    fc.record({ op: fc.constant('write' as const), name: fc.constantFrom(...names), text }),
    fc.record({ op: fc.constant('delete' as const), name: fc.constantFrom(...names) }),
    fc.record({ op: fc.constant('rename' as const), name: fc.constantFrom(...names), to: fc.constantFrom(...names) }),
  );
  let run = 0;
  fc.assert(
    fc.property(fc.array(fc.array(step, { maxLength: 4 }), { minLength: 1, maxLength: 4 }), (rounds) => {
      const vault = join(dir, `v${run}`);
      const file = join(dir, `cache${run++}`);
      mkdirSync(vault);
      const files = new Map<string, string>(); // the model: what each note holds now
      let cachedText = new Map<string, string>(); // what each note held at the last cached run
      for (const round of rounds) {
        for (const s of round) {
          const at = join(vault, s.name);
          if (s.op === 'write') {
            mkdirSync(dirname(at), { recursive: true });
            writeFileSync(at, s.text);
            files.set(s.name, s.text);
          } else if (s.op === 'delete' && files.has(s.name)) {
            unlinkSync(at);
            files.delete(s.name);
          } else if (s.op === 'rename' && files.has(s.name) && s.to !== s.name) {
            mkdirSync(dirname(join(vault, s.to)), { recursive: true });
            renameSync(at, join(vault, s.to));
            files.set(s.to, files.get(s.name) as string);
            files.delete(s.name);
          }
        }
        const r = cached(vault, file);
        expect(r.report).toEqual(plain(vault));
        const unchanged = [...files].filter(([name, t]) => cachedText.get(name) === t).length;
        expect(r.hits).toBe(unchanged);
        expect(r.hits + r.analysed).toBe(files.size);
        cachedText = new Map(files);
      }
    }),
    { numRuns: 25 },
  );
});

test('every command with --cache prints, cold and warm, what it prints without it', async () => {
  const file = join(dir, 'cache');
  const commands = [
    ['scan', VAULT, '--json'],
    ['technique', VAULT, 'T1059', '--json'],
    ['layer', VAULT, '--score', 'tests'],
    ['gaps', VAULT, '--json'],
  ];
  for (const argv of commands) {
    const expected = await capture(argv);
    expect(expected.code).toBe(0);
    for (const round of ['cold', 'warm']) {
      if (round === 'cold') rmSync(file, { force: true });
      const r = await capture([...argv, '--cache', file]);
      expect({ argv, round, code: r.code, stdout: r.stdout }).toEqual({ argv, round, code: 0, stdout: expected.stdout });
      expect(r.stderr).toMatch(round === 'cold' ? /cache: 0 of \d+ notes unchanged/ : /cache: (\d+) of \1 notes unchanged/);
    }
  }
}, 60_000);
