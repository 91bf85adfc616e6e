/**
 * `scan --annotations`: problems as GitHub Actions workflow commands (`::warning file=…::message`), which
 * the runner turns into annotations on the notes in a pull request. The escapes are those of GitHub's
 * own toolkit (actions/toolkit, core/src/command.ts): in the message `%`, CR and LF; in a property also
 * `:` and `,`. Note text reaches messages (a YAML error quotes the line), so without them a note could
 * end the command early and start one of its own.
 */
import { SEVERITY_RANK, type Diagnostic, type Severity } from './note';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

export const escapeCommandData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
export const escapeCommandProperty = (s: string): string => escapeCommandData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export interface AnnotationOptions {
  /** Prepended to each vault-relative path so that it names the file from the repository's root (`vault/`). */
  prefix?: string;
  /** The least severe diagnostics listed (default: warnings and errors; information would drown them). */
  minSeverity?: Severity;
}

/** One workflow command per diagnostic at or above `minSeverity`, errors first. */
export function githubAnnotations(diagnostics: readonly Diagnostic[], o: AnnotationOptions = {}): string[] {
  const min = SEVERITY_RANK[o.minSeverity ?? 'warning'];
  return diagnostics
    .filter((d) => SEVERITY_RANK[d.severity] >= min)
    .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity])
    .map((d) => `::${COMMAND[d.severity]} file=${escapeCommandProperty((o.prefix ?? '') + d.path)},title=${escapeCommandProperty('ATT&CK coverage')}::${escapeCommandData(d.message)}`);
}
