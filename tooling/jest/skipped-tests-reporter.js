// Names every test that ended without running (skipped, pending, todo) after the run; under CI=true such a test
// fails the run, whatever skipped it (`it.skip`, `.todo`, a leftover `.only`).
const path = require('node:path');
const { isCi } = require('./ci');

const NOT_RUN = new Set(['skipped', 'pending', 'todo', 'disabled']);

class SkippedTestsReporter {
  /** @param {{ rootDir: string, testNamePattern?: string }} globalConfig jest's */
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
    /** @type {Error | undefined} */
    this.error = undefined;
  }

  /**
   * @param {unknown} _contexts
   * @param {{ testResults: { testFilePath: string, testResults: { ancestorTitles: string[], title: string, status: string }[] }[] }} results
   */
  onRunComplete(_contexts, results) {
    // `-t` leaves every test it does not match unrun on purpose
    if (this.globalConfig.testNamePattern) return;
    const notRun = results.testResults.flatMap((file) =>
      file.testResults
        .filter((test) => NOT_RUN.has(test.status))
        .map((test) => {
          const titles = [
            path.relative(this.globalConfig.rootDir, file.testFilePath),
            ...test.ancestorTitles,
          ];
          return `${[...titles, test.title].join(' › ')} (${test.status})`;
        }),
    );
    if (notRun.length === 0) return;
    const list = notRun.map((line) => `  ${line}\n`).join('');
    const failRun = isCi();
    process.stderr.write(
      `\n${notRun.length} test(s) did not run${failRun ? ', which fails a CI=true run' : ''}:\n${list}`,
    );
    if (failRun) this.error = new Error(`${notRun.length} test(s) did not run under CI=true`);
  }

  getLastError() {
    return this.error;
  }
}

module.exports = SkippedTestsReporter;
