// Tests that need something this machine may lack. Without it the test is skipped with the reason in its title
// (printed by jest and in the reporter's list of tests that did not run), except under CI=true: there a test that
// fails with the reason takes its place, so a missing tool never passes CI unnoticed.
const { isCi } = require('./ci');

function failInstead(name, reason) {
  it(name, () => {
    const error = new Error(`cannot run: ${reason} (CI=true allows no skipped test)`);
    error.stack = error.message; // the helper's own code frame would only distract
    throw error;
  });
}

/** @type {import('./conditional').itIf} */
function itIf(condition, reason) {
  if (condition) return (name, fn, timeout) => it(name, fn, timeout);
  return (name, fn, timeout) =>
    isCi() ? failInstead(name, reason) : it.skip(`${name} [skipped: ${reason}]`, fn, timeout);
}

/** @type {import('./conditional').describeIf} */
function describeIf(condition, reason) {
  if (condition) return (name, fn) => describe(name, fn);
  return (name, fn) =>
    isCi() ? failInstead(name, reason) : describe.skip(`${name} [skipped: ${reason}]`, fn);
}

module.exports = { itIf, describeIf };
