// The README's sample `npm start` output matches what the current model prints (bytes, bpp, PSNR,
// dist, verdict; not the timings). When it fails, `npm run readme:sample` rewrites it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deterministic, freshBlock, readmeBlock } from '../../scripts/readme-sample.ts';

test("README's npm start sample output is the current model's", () => {
  const readme = deterministic(readmeBlock());
  assert.is(readme.length, 4, 'four rows (qualities 5, 25, 50, 90)');
  assert.equal(readme, deterministic(freshBlock()), 'README drifted from the demo: run npm run readme:sample');
});

test.run();
