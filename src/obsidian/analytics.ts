/**
 * Technique analytics for the pane and the blocks: one rule-analysis store for the vault, the lazily
 * loaded ATT&CK details, and a cache of computed panels keyed by everything they depend on. Computing is
 * asynchronous (rule notes may need reading), so views ask for the current data, draw "Analysing rules…"
 * when it is not there yet, and redraw when `onChange` says it has arrived.
 */
import { parseYaml, TFile, type App } from 'obsidian';
import { RuleAnalysisStore } from '../core/analytics/rule-store';
import { techniqueAnalytics, type TechniqueAnalytics } from '../core/analytics/technique-analytics';
import { loadDetails, type DetailsCatalog } from '../core/attack/details';
import type { CoverageIndex } from '../core/coverage-index';

/** Computed analytics with a sequence number that changes only when the content does. */
export interface AnalyticsEntry {
  data: TechniqueAnalytics;
  seq: number;
}

export class AnalyticsService {
  private readonly store: RuleAnalysisStore;
  private details: DetailsCatalog | null | undefined; // undefined: not loaded yet; null: unavailable
  /** By index/store revision: what is current. */
  private readonly cache = new Map<string, AnalyticsEntry>();
  /** By technique: the last result and its JSON, shown while a newer one is computed (no flicker). */
  private readonly last = new Map<string, AnalyticsEntry & { json: string }>();
  private readonly pending = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private seq = 0;
  /** Bumped when data that differs from what was shown arrives, so views know to redraw. */
  revision = 0;

  constructor(
    app: App,
    private readonly index: CoverageIndex,
  ) {
    this.store = new RuleAnalysisStore(index, {
      parseYaml,
      readText: (path) => {
        const f = app.vault.getAbstractFileByPath(path);
        return f instanceof TFile ? app.vault.cachedRead(f) : undefined;
      },
    });
  }

  dispose(): void {
    this.store.dispose();
    this.cache.clear();
    this.last.clear();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private key(id: string, rollUp: boolean): string {
    return `${this.index.revision}:${this.store.revision}:${id}:${rollUp}`;
  }

  /**
   * The analytics for the current index; while they are being computed, the previous result for the
   * technique (or null the first time). Equal content keeps its `seq`, so views can skip redrawing.
   */
  current(id: string, rollUp: boolean): AnalyticsEntry | null {
    const key = this.key(id, rollUp);
    const hit = this.cache.get(key);
    if (hit) return hit;
    if (!this.pending.has(key)) void this.compute(id, rollUp, key);
    return this.last.get(`${id}:${rollUp}`) ?? null;
  }

  private async compute(id: string, rollUp: boolean, key: string): Promise<void> {
    this.pending.add(key);
    try {
      await this.store.ready();
      if (this.details === undefined) this.details = await loadDetails().catch(() => null);
      const data = techniqueAnalytics(this.index, id, { store: this.store, details: this.details, rollUp });
      const json = JSON.stringify(data);
      const which = `${id}:${rollUp}`;
      const prev = this.last.get(which);
      const entry = prev && prev.json === json ? prev : { data, json, seq: ++this.seq };
      if (this.cache.size > 100) this.cache.clear();
      if (this.last.size > 50) this.last.clear();
      this.last.set(which, entry);
      // Keyed before and after the wait: reads may have moved the store on meanwhile.
      this.cache.set(key, entry);
      this.cache.set(this.key(id, rollUp), entry);
      if (entry !== prev) {
        this.revision += 1;
        for (const l of [...this.listeners]) l();
      }
    } finally {
      this.pending.delete(key);
    }
  }
}
