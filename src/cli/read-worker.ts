/** Entry of `read-worker.js`, the bundle the CLI's reader threads run (see parallel-read.ts). */
import { isReadWorker, runReadWorker } from './parallel-read';

if (isReadWorker()) runReadWorker();
