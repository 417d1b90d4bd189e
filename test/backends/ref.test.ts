// The harness itself: the reference backend (running fused plans) passes it, and a backend that
// writes one element past its output, or skips the last element, is caught.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RefBackend } from '../../host/backends/ref/index.ts';
import type { Backend } from '../../host/backends/backend.ts';
import { allCases, backendSuite, nmse, runCase } from './harness.ts';

backendSuite('ref (fused plans)', () => new RefBackend(), { tolerance: 1e-12 });

/** The reference backend, plus one write just past every step's output. */
function overrunning(): Backend {
  return {
    name: 'overrun',
    bind(plan) {
      const b = new RefBackend().bind(plan);
      return {
        ...b,
        dispatch(step) {
          b.dispatch(step);
          b.write({ ...step.output, offset: step.output.offset + step.output.length, length: 1 }, new Float32Array([0]));
        },
      };
    },
  };
}

test('an out-of-bounds write is caught by the guards', async () => {
  const c = allCases().find((x) => x.name.startsWith('relu'))!;
  try {
    await runCase(c, overrunning(), 1, false);
    assert.unreachable('overrun not detected');
  } catch (e) {
    assert.match((e as Error).message, /guard after "y" overwritten at \+0/);
  }
});

test('an unwritten output element is caught by the sentinel', async () => {
  const c = allCases().find((x) => x.name.startsWith('relu'))!;
  const lazy: Backend = { name: 'lazy', bind: (plan) => ({ ...new RefBackend().bind(plan), dispatch: () => {} }) };
  const expected = await runCase(c, new RefBackend(), 1, false);
  const actual = await runCase(c, lazy, 1, false);
  assert.ok(nmse(actual, expected) > 1, 'sentinel output differs from the reference');
});

test.run();
