// worker_threads entry of the batch pool: the TypeScript sources run through tsx, as in bin/facecodec.js.
import { register } from 'tsx/esm/api';

register();
await import('./thread-main.ts');
