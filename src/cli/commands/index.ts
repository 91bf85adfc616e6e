/**
 * Every CLI command, one module each. A new command adds one line here.
 */
import type { Command } from 'commander';
import { registerBlocks } from './blocks';
import { registerMigrate } from './migrate';
import { registerScan } from './scan';
import { registerTechnique } from './technique';

export const COMMANDS: Array<(program: Command) => void> = [
  registerScan,
  registerBlocks,
  registerTechnique,
  registerMigrate,
];
