/** Whether this is a CI run (`CI=true`, as CI services set it): there every test must run, none may be skipped. */
function isCi() {
  const value = (process.env.CI ?? '').trim().toLowerCase();
  return value !== '' && value !== 'false' && value !== '0';
}

module.exports = { isCi };
