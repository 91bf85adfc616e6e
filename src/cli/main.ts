/**
 * `attack-coverage`: the plugin's engine over a vault folder, for CI and for people without Obsidian.
 */
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands';
import { takeExitStatus, visible } from './io';
import { reasonOf } from './walk';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('attack-coverage')
    .description('ATT&CK technique coverage from the detection-rule and atomic-test notes of an Obsidian vault')
    // A bad argument is one line on stderr, like every other reason the CLI gives; the usage is a --help away.
    .configureOutput({ outputError: (message, write) => write(`attack-coverage: ${visible(message.replace(/^error: /, '').trimEnd())} (see --help)\n`) })
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

/** Runs one command line to completion (asynchronous commands included) and returns the exit status. */
export async function run(argv: string[]): Promise<number> {
  takeExitStatus();
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return takeExitStatus();
  } catch (e) {
    takeExitStatus();
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    process.stderr.write(`attack-coverage: ${visible(e instanceof Error ? e.message : String(e))}\n`);
    return 2;
  }
}

/**
 * Failed writes to stdout. A reader that stops early (`attack-coverage scan vault --json | head`) closes
 * the pipe: the rest of the output has nowhere to go, which is no failure of the run, so the run goes on
 * to its own exit status. Any other failure (`> out.json` on a full disk) ends the run with status 2 and
 * a one-line reason, as a failed `-o` write does.
 */
function onStdoutError(): void {
  process.stdout.on('error', (e: Error & { code?: string }) => {
    if (e.code === 'EPIPE') return;
    process.stderr.write(`attack-coverage: cannot write the output: ${reasonOf(e)}\n`);
    process.exit(2);
  });
}

if (require.main === module) {
  onStdoutError();
  void run(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
