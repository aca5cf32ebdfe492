/**
 * Daemons a test starts (PgBouncer, private Postgres servers) outlive a run
 * that is interrupted (Ctrl-C, a CI timeout, a killed worker): only the
 * test's own teardown stops them. So each one's work directory names the
 * test process that owns it, and a later run stops what a directory of a
 * process no longer running still holds, then removes the directory.
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const OWNER = 'owner.pid';

/** Marks `dir` as this process's, after stopping what dead runs left in directories named like it. */
export async function ownWorkDir(dir: string, prefix: string, stop: (orphan: string) => Promise<unknown>): Promise<void> {
  await writeFile(join(dir, OWNER), String(process.pid));
  for (const name of await readdir(tmpdir())) {
    const orphan = join(tmpdir(), name);
    if (!name.startsWith(prefix) || orphan === dir) continue;
    // A directory without its owner yet is being set up by a live run: left alone.
    const owner = Number(await readFile(join(orphan, OWNER), 'utf8').catch(() => NaN));
    if (!Number.isInteger(owner) || isRunning(owner)) continue;
    await stop(orphan).catch(() => {}); // already stopped, or never started
    await rm(orphan, { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
