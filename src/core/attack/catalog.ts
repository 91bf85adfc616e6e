/**
 * Look-ups over a digested ATT&CK release (see `stix.ts`): names, lifecycle status, replacements
 * and the tactic order. `defaultCatalog()` serves the release committed as `catalog.json`
 * (regenerate with `npm run catalog`); a user-supplied bundle can be digested into another Catalog.
 */
import catalogJson from './catalog.json';
import type { CatalogData, TacticInfo, TechniqueInfo } from './stix';

export type { CatalogData, RemapTable, TacticInfo, TechniqueInfo } from './stix';
export type TechniqueStatus = 'active' | 'deprecated' | 'revoked' | 'unknown';

export interface TechniqueQuery {
  /** Include revoked and deprecated entries (default false). */
  includeInactive?: boolean;
  /** Include sub-techniques (default true). */
  subtechniques?: boolean;
}

const norm = (id: string): string => id.trim().toUpperCase();
const isActive = (t: TechniqueInfo): boolean => !t.revoked && !t.deprecated;

export class Catalog {
  /** ATT&CK release, e.g. "18.1"; empty when the bundle did not say. */
  readonly version: string;
  private readonly byId = new Map<string, TechniqueInfo>();
  private readonly children = new Map<string, TechniqueInfo[]>();
  private readonly tacticIndex = new Map<string, TacticInfo>();
  private readonly remappedTo = new Map<string, { id: string; name: string }>();
  private readonly remappedFromIndex = new Map<string, string[]>();

  constructor(readonly data: CatalogData) {
    this.version = data.version;
    for (const t of data.techniques) {
      this.byId.set(t.id, t);
      if (t.parent) {
        const list = this.children.get(t.parent) ?? [];
        list.push(t);
        this.children.set(t.parent, list);
      }
    }
    for (const tac of data.tactics) {
      for (const key of [tac.id, tac.shortname, tac.name]) this.tacticIndex.set(key.toLowerCase(), tac);
    }
    for (const [from, to] of Object.entries(data.remaps?.techniques ?? {})) {
      this.remappedTo.set(from, to);
      this.remappedFromIndex.set(to.id, [...(this.remappedFromIndex.get(to.id) ?? []), from]);
    }
  }

  get(id: string): TechniqueInfo | undefined {
    return this.byId.get(norm(id));
  }

  /** ATT&CK's display form: "Python" for T1059.006 reads "Command and Scripting Interpreter: Python". */
  displayName(id: string): string | undefined {
    const t = this.get(id);
    if (!t) return undefined;
    const parent = t.parent ? this.byId.get(t.parent) : undefined;
    return parent ? `${parent.name}: ${t.name}` : t.name;
  }

  status(id: string): TechniqueStatus {
    const t = this.get(id);
    if (!t) return 'unknown';
    return t.revoked ? 'revoked' : t.deprecated ? 'deprecated' : 'active';
  }

  /**
   * What to use instead: the end of the revoked-by chain (an ID of this release), else the
   * next-version remap (e.g. v18 T1562.001 → v19 T1685, which this release may not contain).
   */
  replacement(id: string): string | undefined {
    let cur = this.get(id)?.revokedBy;
    const seen = new Set<string>();
    while (cur && !seen.has(cur)) {
      seen.add(cur);
      const next = this.byId.get(cur)?.revokedBy;
      if (!next) return cur;
      cur = next;
    }
    return cur ?? this.remappedTo.get(norm(id))?.id;
  }

  /** The next-version remap row for an ID, with the target's name (which this release may not know). */
  remap(id: string): { id: string; name: string } | undefined {
    return this.remappedTo.get(norm(id));
  }

  /**
   * A technique of the next release that this one does not have (v19.1 T1686.003), with ATT&CK's display
   * name there ("Disable or Modify System Firewall: Windows Host Firewall").
   */
  nextRelease(id: string): { version: string; name: string } | undefined {
    const next = this.data.next;
    const key = norm(id);
    const name = next?.techniques[key];
    if (!next || name === undefined || this.byId.has(key)) return undefined;
    const parent = key.includes('.') ? key.slice(0, key.indexOf('.')) : undefined;
    const parentName = parent ? (next.techniques[parent] ?? this.byId.get(parent)?.name) : undefined;
    return { version: next.version, name: parentName ? `${parentName}: ${name}` : name };
  }

  /** Reverse remap: the IDs of this release that became `id` in the next version (T1685 ← T1562, T1562.001, …). */
  remappedFrom(id: string): string[] {
    return [...(this.remappedFromIndex.get(norm(id)) ?? [])].sort();
  }

  /** Tactics in matrix order. */
  tactics(): TacticInfo[] {
    return [...this.data.tactics];
  }

  /** A tactic by ID (TA0002), shortname (execution) or name (Execution), case-insensitively. */
  tactic(key: string): TacticInfo | undefined {
    return this.tacticIndex.get(key.trim().toLowerCase());
  }

  /** Techniques and sub-techniques sorted by ID; active ones only unless asked. */
  techniques(q: TechniqueQuery = {}): TechniqueInfo[] {
    return this.data.techniques.filter(
      (t) => (q.includeInactive || isActive(t)) && (q.subtechniques !== false || !t.isSubtechnique),
    );
  }

  /** Sub-techniques of a technique, sorted by ID; active ones only unless asked. */
  subtechniques(parentId: string, q: Pick<TechniqueQuery, 'includeInactive'> = {}): TechniqueInfo[] {
    return (this.children.get(norm(parentId)) ?? []).filter((t) => q.includeInactive || isActive(t));
  }

  /** IDs of the active sub-techniques (the engine's roll-up set). */
  subtechniqueIds(parentId: string): string[] {
    return this.subtechniques(parentId).map((t) => t.id);
  }
}

let cached: Catalog | undefined;

/** The committed release, indexed on first use. */
export function defaultCatalog(): Catalog {
  cached ??= new Catalog(catalogJson as unknown as CatalogData);
  return cached;
}
