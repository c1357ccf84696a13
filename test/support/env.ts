// Quiet, fast defaults for every e2e spec; each app gets its own database (see test-app.ts).
process.env.NODE_ENV = 'test';
