import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints the one line the CI machinery reads at the end of a run: `N passed, N failed`, counted
 * from the test results (skipped tests are listed on their own line, never counted as passed).
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      // A file that failed outside its tests (it did not load, a beforeAll threw) counts as a
      // failure even when its tests were skipped by that failure rather than failed.
      const anyFailed = [...module.children.allTests()].some((test) => test.result().state === 'failed');
      if (module.state() === 'failed' && !anyFailed) failed++;
    }
    failed += unhandledErrors.length;
    if (skipped > 0) process.stdout.write(`${skipped} skipped\n`);
    process.stdout.write(`${passed} passed, ${failed} failed\n`);
  }
}
