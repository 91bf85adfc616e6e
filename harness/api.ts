/** What the harness page exposes to Playwright as `window.harness`. */
export interface Harness {
  /** Resolves once the index is built and the pane shows coverage. */
  ready: Promise<void>;
  open(path: string): Promise<void>;
  setTheme(theme: 'light' | 'dark'): void;
  setPhone(phone: boolean, showNote?: boolean): void;
  activeFile(): string | null;
  panePath(): string | null;
  notes(): string[];
  /** Edit a note as the user would (vault.process: modify → metadata changed → resolved). */
  edit(path: string, find: string, replace: string): Promise<void>;
}

declare global {
  interface Window {
    harness: Harness;
  }
}
