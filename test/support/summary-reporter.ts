/**
 * Closes vitest's report with every skipped test by name (names carry the reason, e.g. a missing
 * CRD folder or registry binary) and one line `N passed, N failed, N skipped`, so CI logs show how
 * many tests ran and why any did not.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    const skipped: string[] = [];
    for (const module of testModules) {
      const tests = [...module.children.allTests()];
      if (module.state() === 'failed' && tests.length === 0) failed++;
      for (const test of tests) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped.push(`skipped: ${test.fullName}`);
      }
    }
    const lines = [...skipped, `${passed} passed, ${failed} failed, ${skipped.length} skipped`];
    process.stdout.write(`\n${lines.join('\n')}\n`);
  }
}
