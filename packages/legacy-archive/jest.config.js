module.exports = require('@groundtruth/jest-preset').preset(__dirname, { databases: true });
