// @prisma/client declares the prisma CLI as an optional peer. Resolved against packages/db's devDependency, it
// would make every deployed app carry the CLI and what it pulls in (Studio, React, PGlite, engines: ~220 MB),
// although the client never loads it: packages/db generates the client with its own devDependency.
module.exports = {
  hooks: {
    readPackage(pkg) {
      if (pkg.name === '@prisma/client') {
        delete pkg.peerDependencies?.prisma;
        delete pkg.peerDependenciesMeta?.prisma;
      }
      return pkg;
    },
  },
};
