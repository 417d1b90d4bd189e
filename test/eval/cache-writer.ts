// Child process for the cache resume test: writes records key-0, key-1, ... (each 64 KiB of its index)
// into the cache folder given as argv[2], forever, until it is killed.
import { DiskCache } from '../../bench/eval/cache.ts';

const cache = new DiskCache(process.argv[2]);
for (let i = 0; ; i++) {
  cache.put(`r/key-${i}`, new Uint8Array(65536).fill(i & 255));
  if (i === 20) process.stdout.write('ready\n');
}
