/**
 * `attack-coverage`: the plugin's engine over a vault folder, for CI and for people without Obsidian.
 */
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands';
import { isReadWorker, runReadWorker } from './parallel-read';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('attack-coverage')
    .description('ATT&CK technique coverage from the detection-rule and atomic-test notes of an Obsidian vault')
    .showHelpAfterError()
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

export function run(argv: string[]): number {
  try {
    buildProgram().parse(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    process.stderr.write(`attack-coverage: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
}

if (isReadWorker()) runReadWorker();
else if (require.main === module) process.exitCode = run(process.argv.slice(2));
