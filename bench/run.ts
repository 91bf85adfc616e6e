/**
 * `npm run bench`: how the engine scales on synthetic Use-Case-Catalogue vaults of 5,000 and 50,000 notes.
 * See bench/README.md for what each figure means. scripts/bench.mjs bundles this file like the CLI and runs it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, release, totalmem, type } from 'node:os';
import { dirname, join } from 'node:path';
import { defaultCatalog } from '../src/core/attack';
import { CoverageIndex } from '../src/core/coverage-index';
import type { NoteSource } from '../src/core/metadata';
import { scanReport } from '../src/core/report';
import { readFrontmatter } from '../src/cli/frontmatter';
import { readNoteForIndex } from '../src/cli/read-note';
import { listNotes, loadVault, vaultSettings } from '../src/cli/vault';
import { parseYamlCore } from '../src/cli/yaml';
import { stat as statOf, type Stat as FullStat } from './stats';
import { GENERATOR_VERSION, syntheticSources, techniqueId, writeSyntheticVault } from './synthetic';

/** The project folder: the nearest one up with a package.json (this file runs from bench/out/ once bundled). */
function projectRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error('no package.json above the benchmark');
  }
}
const ROOT = projectRoot();
const OUT = join(ROOT, 'bench/out');
const SEED = 1;
const SIZES = [
  { label: '5k', notes: 5_000, runs: 7 },
  { label: '50k', notes: 50_000, runs: 3 },
] as const;
/** Runs of the index build at every size (it takes under a second even at 50k). */
const BUILD_RUNS = 7;
type Label = (typeof SIZES)[number]['label'];
/** Notes per single-note figure: enough that the median is not one note's luck. */
const UPDATE_NOTES = 400;
const ENV = { parseYaml: parseYamlCore };

const gc = (globalThis as { gc?: () => void }).gc;
const now = (): bigint => process.hrtime.bigint();
const msSince = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;

type Stat = Pick<FullStat, 'median' | 'min' | 'n'>;
function stat(samples: number[]): Stat {
  const { median, min, n } = statOf(samples);
  return { median, min, n };
}

/** Times `fn` `runs` times after one untimed warm-up (JIT, page cache); collects garbage first when allowed. */
function measure(runs: number, fn: () => void): Stat {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    gc?.();
    const t0 = now();
    fn();
    times.push(msSince(t0));
  }
  return stat(times);
}

/** Reuses bench/out/vault-<label> when it was made with the same parameters (the stamp is written last). */
function ensureVault(label: string, notes: number): string {
  const dir = join(OUT, `vault-${label}`);
  const stampFile = join(dir, '.synthetic.json');
  const stamp = JSON.stringify({ notes, seed: SEED, generator: GENERATOR_VERSION });
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return dir;
  rmSync(dir, { recursive: true, force: true });
  const t0 = now();
  writeSyntheticVault(dir, notes, SEED);
  writeFileSync(stampFile, stamp);
  console.error(`generated ${dir} (${notes} notes) in ${(msSince(t0) / 1000).toFixed(1)} s`);
  return dir;
}

type Parse = (text: string) => unknown;
/** The floor parses frontmatter exactly as the CLI does: gray-matter + js-yaml CORE_SCHEMA, code engines off. */
const FLOOR_PARSER = { name: 'src/cli/frontmatter.ts readFrontmatter (gray-matter + js-yaml CORE_SCHEMA)', parse: readFrontmatter as Parse };

/** Roles as an index sees them, to check that the records and the files describe the same vault. */
function roleCounts(index: CoverageIndex): Record<string, number> {
  const c: Record<string, number> = {};
  for (const n of index.allNotes()) c[n.cls.role] = (c[n.cls.role] ?? 0) + 1;
  return Object.fromEntries(Object.entries(c).sort());
}

/** The rule note with its first technique tag swapped for another technique: a typical edit. */
function retagged(src: NoteSource, k: number): NoteSource {
  const fm = src.cache?.frontmatter ?? {};
  const tags = (fm.tags as string[]).slice();
  const at = Math.max(0, tags.findIndex((t) => /^t\d{4}/.test(t)));
  tags[at] = techniqueId((k * 131) % 700).replace('.', '_').toLowerCase();
  return { path: src.path, cache: { ...src.cache, frontmatter: { ...fm, tags } } };
}

interface UpdateFigures {
  upsert: Stat;
  rename: Stat;
  remove_readd: Stat;
}
/** Per-operation times in µs over UPDATE_NOTES rule notes spread across the vault. */
function singleNoteUpdates(sources: NoteSource[]): UpdateFigures {
  const index = new CoverageIndex({ env: ENV });
  index.upsertAll(sources);
  const rules = sources.filter((s) => s.path.startsWith('Detection Rules/'));
  const picks = Array.from({ length: UPDATE_NOTES }, (_, k) => rules[Math.floor((k * rules.length) / UPDATE_NOTES)] as NoteSource);
  const changed = picks.map(retagged);
  const us = (fn: () => unknown): number => {
    const t0 = now();
    fn();
    return Number(process.hrtime.bigint() - t0) / 1e3;
  };
  const upsert: number[] = [];
  const rename: number[] = [];
  const removeReadd: number[] = [];
  for (let round = 0; round < 2; round++) {
    gc?.();
    const keep = round === 1; // round 0 warms the JIT up
    picks.forEach((src, k) => {
      const moved = src.path.replace(/\.md$/, ' (renamed).md');
      const t = [
        us(() => index.upsert(changed[k] as NoteSource)),
        us(() => index.upsert(src)), // and back, so every sample starts from the same index
      ];
      const r = [us(() => index.rename(src.path, moved)), us(() => index.rename(moved, src.path))];
      const d = us(() => {
        index.remove(src.path);
        index.upsert(src);
      });
      if (keep) {
        upsert.push(...t);
        rename.push(...r);
        removeReadd.push(d);
      }
    });
  }
  if (index.size !== sources.length) throw new Error(`index lost notes: ${index.size} ≠ ${sources.length}`);
  return { upsert: stat(upsert), rename: stat(rename), remove_readd: stat(removeReadd) };
}

/** The scan's phases, timed separately once (after warm-up), to show where its time goes. */
function scanBreakdown(dir: string, parse: Parse): Record<string, number> {
  const t0 = now();
  const paths = listNotes(dir);
  const list = msSince(t0);
  gc?.();
  const t1 = now();
  for (const p of paths) readFileSync(join(dir, p), 'utf8');
  const readOnly = msSince(t1);
  gc?.();
  const t2 = now();
  for (const p of paths) parse(readFileSync(join(dir, p), 'utf8'));
  const readFrontmatterOnly = msSince(t2);
  gc?.();
  const t3 = now();
  const sources = paths.map((p) => readNoteForIndex(dir, p)); // as scan reads: without positions or links
  const readNotes = msSince(t3);
  const t4 = now();
  const index = new CoverageIndex({ settings: vaultSettings(dir), catalog: defaultCatalog(), env: ENV });
  index.upsertAll(sources);
  const upsertAll = msSince(t4);
  const t5 = now();
  scanReport(index, dir);
  const report = msSince(t5);
  return {
    listNotes_ms: list,
    readFileSync_ms: readOnly,
    floor_read_and_frontmatter_ms: readFrontmatterOnly,
    readNoteForIndex_ms: readNotes,
    'readNoteForIndex_minus_read_ms (readForIndex)': readNotes - readOnly,
    upsertAll_ms: upsertAll,
    scanReport_ms: report,
  };
}

/**
 * The floor as a process (bench/floor.ts, bundled next to this file): list, read and parse frontmatter,
 * start-up included, to set beside the CLI's wall time.
 */
function floorProcess(dir: string): number {
  const t0 = now();
  const r = spawnSync(process.execPath, [join(ROOT, 'bench/out/floor.cjs'), dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = msSince(t0);
  if (r.status !== 0) throw new Error(`the floor program failed (${r.status}): ${r.stderr.toString().slice(0, 500)}`);
  return ms;
}

/**
 * One run of the bundled CLI's `scan` (text output), as a user runs it, start-up included: reading on
 * one thread, or on the threads it picks for itself (`ATTACK_COVERAGE_THREADS` unset); with `cache`, as
 * `scan --cache <cache>`.
 */
function cliRun(dir: string, threads: 'auto' | 1, cache?: string): number {
  const env = { ...process.env };
  if (threads === 1) env.ATTACK_COVERAGE_THREADS = '1';
  else delete env.ATTACK_COVERAGE_THREADS;
  const t0 = now();
  const args = [join(ROOT, 'dist/cli.js'), 'scan', dir, ...(cache ? ['--cache', cache] : [])];
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  const ms = msSince(t0);
  if (r.status !== 0) throw new Error(`dist/cli.js scan failed (${r.status}): ${r.stderr.toString().slice(0, 500)}`);
  return ms;
}

/**
 * Where a fresh scan process spends its time: bench/cold-phases.ts, one run per process, `runs` times;
 * the median of each phase. Start-up is timed apart, as the two programs on an empty vault.
 */
function coldPhases(dir: string, runs: number): Record<string, number> {
  const samples: Array<Record<string, number>> = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, [join(ROOT, 'bench/out/cold-phases.cjs'), dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0) throw new Error(`cold-phases failed (${r.status}): ${r.stderr.toString().slice(0, 500)}`);
    samples.push(JSON.parse(r.stdout.toString()) as Record<string, number>);
  }
  const phases = Object.keys(samples[0] ?? {});
  return Object.fromEntries(phases.map((k) => [k, stat(samples.map((x) => x[k] ?? 0)).median]));
}

function startup(runs: number): { floor_empty_vault: Stat; cli_scan_empty_vault: Stat } {
  const empty = join(OUT, 'vault-empty');
  mkdirSync(empty, { recursive: true });
  const f: number[] = [];
  const c: number[] = [];
  for (let i = 0; i < runs; i++) {
    f.push(floorProcess(empty));
    c.push(cliRun(empty, 1));
  }
  return { floor_empty_vault: stat(f), cli_scan_empty_vault: stat(c) };
}

const fmt = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const pass = (ok: boolean): string => (ok ? '**pass**' : '**MISSED**');

function main(): void {
  mkdirSync(OUT, { recursive: true });
  const loadBefore = loadavg()[0] as number; // other work on the machine skews every figure: recorded with them
  const floor = FLOOR_PARSER;
  if (!gc) console.error('note: global.gc unavailable; run with NODE_OPTIONS=--expose-gc for steadier numbers');
  const vaults = Object.fromEntries(SIZES.map((s) => [s.label, ensureVault(s.label, s.notes)])) as Record<Label, string>;

  const build = {} as Record<Label, Stat>;
  const updates = {} as Record<Label, UpdateFigures>;
  const scan = {} as Record<Label, Stat>;
  const floorStat = {} as Record<Label, Stat>;
  const breakdown = {} as Record<Label, Record<string, number>>;
  const floorProc = {} as Record<Label, Stat>;
  const cliOne = {} as Record<Label, Stat>;
  const cliAuto = {} as Record<Label, Stat>;
  const cacheFill = {} as Record<Label, Stat>;
  const cacheWarm = {} as Record<Label, Stat>;
  const mismatches: string[] = [];
  let cold: Record<string, number> = {};

  for (const { label, notes, runs } of SIZES) {
    const dir = vaults[label];
    console.error(`[${label}] index from records…`);
    const sources = syntheticSources(notes, SEED);
    // Cheap enough for 7 runs at every size: on a shared machine one major GC can move a median of 3.
    build[label] = measure(Math.max(runs, BUILD_RUNS), () => new CoverageIndex({ env: ENV }).upsertAll(sources));

    console.error(`[${label}] single-note updates…`);
    updates[label] = singleNoteUpdates(sources);

    // Same vault both ways: the plugin's records and the CLI's files must give the same roles.
    const fromRecords = new CoverageIndex({ env: ENV });
    fromRecords.upsertAll(sources);
    const fromFiles = loadVault(dir, { keepSources: false }).index;
    const [a, b] = [JSON.stringify(roleCounts(fromRecords)), JSON.stringify(roleCounts(fromFiles))];
    if (a !== b) mismatches.push(`${label}: records ${a} vs files ${b}`);

    console.error(`[${label}] in-process scan vs read-and-parse floor (one thread, warm)…`);
    // Interleaved so that both see the same page cache and machine load.
    const floorRun = (): void => {
      for (const p of listNotes(dir)) floor.parse(readFileSync(join(dir, p), 'utf8'));
    };
    const scanRun = (): void => {
      scanReport(loadVault(dir, { keepSources: false }).index, dir);
    };
    floorRun();
    scanRun();
    const f: number[] = [];
    const s: number[] = [];
    for (let i = 0; i < runs; i++) {
      gc?.();
      let t0 = now();
      floorRun();
      f.push(msSince(t0));
      gc?.();
      t0 = now();
      scanRun();
      s.push(msSince(t0));
    }
    floorStat[label] = stat(f);
    scan[label] = stat(s);
    breakdown[label] = scanBreakdown(dir, floor.parse);
    console.error(`[${label}] processes: floor program, CLI scan (its own threads, one thread, filling a cache, with the cache filled)…`);
    // Interleaved after one untimed round, so that all of them see the same page cache and machine load.
    const cacheFile = join(OUT, `scan-cache-${label}`);
    floorProcess(dir);
    cliRun(dir, 'auto');
    const fp: number[] = [];
    const ca: number[] = [];
    const c1: number[] = [];
    const cf: number[] = [];
    const cw: number[] = [];
    for (let i = 0; i < runs; i++) {
      fp.push(floorProcess(dir));
      ca.push(cliRun(dir, 'auto'));
      c1.push(cliRun(dir, 1));
      rmSync(cacheFile, { force: true });
      cf.push(cliRun(dir, 'auto', cacheFile));
      cw.push(cliRun(dir, 'auto', cacheFile));
    }
    rmSync(cacheFile, { force: true });
    floorProc[label] = stat(fp);
    cliAuto[label] = stat(ca);
    cliOne[label] = stat(c1);
    cacheFill[label] = stat(cf);
    cacheWarm[label] = stat(cw);
    if (label === '5k') {
      console.error(`[${label}] a fresh scan process, phase by phase…`);
      cold = coldPhases(dir, runs);
    }
  }
  console.error('start-up: both programs on an empty vault…');
  const started = startup(7);

  const ratio = (x: Record<Label, Stat>): number => x['50k'].median / x['5k'].median;
  const inProcessRatio = (l: Label): number => scan[l].median / floorStat[l].median;
  const over = (x: Record<Label, Stat>, l: Label): number => x[l].median / floorProc[l].median;
  const update50k = updates['50k'];
  const targets = {
    index_build_from_records: { target: '50k < 500 ms', pass: build['50k'].median < 500 },
    single_note_update: {
      target: '< 1 ms at 50k',
      pass: Math.max(update50k.upsert.median, update50k.rename.median, update50k.remove_readd.median) < 1000,
    },
    scan_vs_floor: { target: '`attack-coverage scan` wall time ≤ 1.3 × the floor program, both as processes', pass: over(cliAuto, '5k') <= 1.3 && over(cliAuto, '50k') <= 1.3 },
  };
  const cpu = cpus();
  const results = {
    machine: {
      cpu: cpu[0]?.model ?? 'unknown',
      cpus: cpu.length,
      memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      node: process.version,
      os: `${type()} ${release()} ${arch()}`,
      gc_between_runs: !!gc,
      load_average_1m: { start: loadBefore, end: loadavg()[0] as number },
    },
    date: new Date().toISOString(),
    vaults: Object.fromEntries(SIZES.map((s) => [s.label, { notes: s.notes, seed: SEED, generator: GENERATOR_VERSION }])),
    floor_parser: floor.name,
    figures: {
      index_build_from_records: { unit: 'ms', ...build, ratio_50k_5k: ratio(build), ...targets.index_build_from_records },
      single_note_update: {
        unit: 'µs',
        notes: UPDATE_NOTES,
        upsert: { ...pick(updates, 'upsert'), ratio_50k_5k: update50k.upsert.median / updates['5k'].upsert.median },
        rename: { ...pick(updates, 'rename'), ratio_50k_5k: update50k.rename.median / updates['5k'].rename.median },
        remove_readd: { ...pick(updates, 'remove_readd'), ratio_50k_5k: update50k.remove_readd.median / updates['5k'].remove_readd.median },
        ...targets.single_note_update,
      },
      // The target: processes as a user runs them, start-up included on both sides.
      floor_process: { unit: 'ms', ...floorProc },
      cli_scan_auto_threads: { unit: 'ms', ...cliAuto, over_floor: { '5k': over(cliAuto, '5k'), '50k': over(cliAuto, '50k') }, ...targets.scan_vs_floor },
      cli_scan_one_thread: { unit: 'ms', ...cliOne, over_floor: { '5k': over(cliOne, '5k'), '50k': over(cliOne, '50k') } },
      // `scan --cache`: the run that fills the cache, and a run after it with no note changed.
      cli_scan_cache_fill: { unit: 'ms', ...cacheFill, over_floor: { '5k': over(cacheFill, '5k'), '50k': over(cacheFill, '50k') } },
      cli_scan_cache_warm: { unit: 'ms', ...cacheWarm, over_floor: { '5k': over(cacheWarm, '5k'), '50k': over(cacheWarm, '50k') } },
      // Diagnosis: the same work in this process, one thread, warmed up, without start-up.
      read_parse_floor_in_process: { unit: 'ms', ...floorStat },
      scan_in_process: { unit: 'ms', ...scan, over_floor: { '5k': inProcessRatio('5k'), '50k': inProcessRatio('50k') } },
      scan_breakdown_ms: breakdown,
      // Diagnosis of the process figures: start-up alone, and a fresh 5k scan process phase by phase.
      startup_ms: started,
      scan_cold_phases_ms: { '5k': cold },
    },
    ...(mismatches.length ? { warnings: mismatches } : {}),
  };
  const json = JSON.stringify(results, null, 2) + '\n';
  writeFileSync(join(OUT, 'results.json'), json);
  writeFileSync(join(ROOT, 'bench/results.json'), json);

  const ms = (x: Stat): string => `${fmt(x.median)} ms (min ${fmt(x.min)})`;
  const us = (x: Stat): string => `${fmt(x.median)} µs (min ${fmt(x.min)})`;
  const upd = (k: keyof UpdateFigures, name: string, extra = ''): string =>
    `| single_note_update: ${name} | ${us(updates['5k'][k])} | ${us(update50k[k])} | 50k/5k ${(update50k[k].median / updates['5k'][k].median).toFixed(2)}×${extra} |`;
  const x = (r: number): string => `${r.toFixed(2)}×`;
  const table = [
    '| figure | 5k | 50k | ratio / target |',
    '|---|---|---|---|',
    `| index_build_from_records | ${ms(build['5k'])} | ${ms(build['50k'])} | 50k/5k ${ratio(build).toFixed(1)}× · target 50k < 500 ms: ${pass(targets.index_build_from_records.pass)} |`,
    upd('upsert', 'upsert (retag)', ` · target < 1 ms at 50k: ${pass(targets.single_note_update.pass)}`),
    upd('rename', 'rename'),
    upd('remove_readd', 'remove + re-add'),
    `| floor program (list, read, parse frontmatter) | ${ms(floorProc['5k'])} | ${ms(floorProc['50k'])} | |`,
    `| \`attack-coverage scan\` | ${ms(cliAuto['5k'])} | ${ms(cliAuto['50k'])} | scan/floor ${x(over(cliAuto, '5k'))} / ${x(over(cliAuto, '50k'))} · target ≤ 1.3×: 5k ${pass(over(cliAuto, '5k') <= 1.3)}, 50k ${pass(over(cliAuto, '50k') <= 1.3)} |`,
    `| \`attack-coverage scan\`, one thread | ${ms(cliOne['5k'])} | ${ms(cliOne['50k'])} | scan/floor ${x(over(cliOne, '5k'))} / ${x(over(cliOne, '50k'))} |`,
    `| \`scan --cache\`, filling the cache | ${ms(cacheFill['5k'])} | ${ms(cacheFill['50k'])} | scan/floor ${x(over(cacheFill, '5k'))} / ${x(over(cacheFill, '50k'))} |`,
    `| \`scan --cache\`, no note changed since | ${ms(cacheWarm['5k'])} | ${ms(cacheWarm['50k'])} | scan/floor ${x(over(cacheWarm, '5k'))} / ${x(over(cacheWarm, '50k'))} |`,
    `| in process, warm: floor | ${ms(floorStat['5k'])} | ${ms(floorStat['50k'])} | |`,
    `| in process, warm: scan, one thread | ${ms(scan['5k'])} | ${ms(scan['50k'])} | scan/floor ${x(inProcessRatio('5k'))} / ${x(inProcessRatio('50k'))} |`,
  ].join('\n');
  console.log(table);
  console.log(`\nstart-up on an empty vault (ms): floor ${fmt(started.floor_empty_vault.median)}, scan ${fmt(started.cli_scan_empty_vault.median)}`);
  console.log(`a fresh 5k scan process by phase (ms, medians): ${JSON.stringify(cold, (_, v: unknown) => (typeof v === 'number' ? Math.round(v) : v))}`);
  console.log(`\nscan breakdown (ms): ${JSON.stringify(breakdown, (_, v: unknown) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v))}`);
  console.log(`results: ${join(OUT, 'results.json')} and bench/results.json`);
  for (const m of mismatches) console.log(`WARNING roles differ between records and files: ${m}`);
}

function pick<K extends string>(u: Record<Label, Record<K, Stat>>, k: K): Record<Label, Stat> {
  return { '5k': u['5k'][k], '50k': u['50k'][k] };
}

main();
