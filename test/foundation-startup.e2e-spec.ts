import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from './support/fixtures';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/*
 * The real entry point (src/main.ts) in its own process, as `npm start` runs it, minus the build:
 * ts-node compiles on the fly so the spec always checks the current source.
 */
const ROOT = resolve(__dirname, '..');
const MAIN = ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src', 'main.ts')];

function start(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, MAIN, {
    cwd: ROOT,
    // A clean environment: nothing from the developer's shell or the test runner leaks in.
    env: { PATH: process.env.PATH ?? '', TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += String(chunk)));
  child.stderr!.on('data', (chunk) => (output += String(chunk)));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

describe('foundation: start-up of the real process', () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'passport-queue-startup-'));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it.each([
    ['PORT', { PORT: 'abc' }],
    ['DB_TYPE', { DB_TYPE: 'oracle' }],
    ['JWT_SECRET', { NODE_ENV: 'production' }],
  ])('stops with a non-zero exit and one line naming %s', async (variable, env) => {
    const run = start({ DB_PATH: join(folder, 'bad.sqlite'), ...env });
    const code = await run.exited;
    expect(code).not.toBe(0);
    const lines = run.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(variable);
    expect(run.output()).not.toMatch(/\bat .+:\d+:\d+/); // no stack trace
  });

  it('serves on PORT with migrations, the first admin and the demo on an empty database', async () => {
    const port = await freePort();
    const run = start({ PORT: String(port), DB_PATH: join(folder, 'data', 'queue.sqlite'), SEED_DEMO: 'true', ADMIN_PASSWORD: 'startup-admin-password' });
    try {
      const deadline = Date.now() + 50_000;
      while (!run.output().includes(`serving on http://localhost:${port}`)) {
        if (Date.now() > deadline || run.child.exitCode !== null) throw new Error(`did not start:\n${run.output()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      const offices = (await (await fetch(`http://127.0.0.1:${port}/offices`)).json()) as unknown[];
      expect(offices).toHaveLength(4);
      const login = await fetch(`http://127.0.0.1:${port}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'startup-admin-password' }),
      });
      expect(login.status).toBe(200);
      // The demo credentials are printed at start-up.
      expect(run.output()).toMatch(/staff\.[a-z-]+ \/ \S{12,}/);
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
  });
});
