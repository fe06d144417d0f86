// Placeholder until the migrator issue lands: explains itself instead of doing nothing silently.
console.error('migrator: not implemented yet (see the migrator issue).');
process.exit(2);
