import { describe, expect, it } from 'vitest';
import { ChangeFeed, parseTouched } from '../../src/cache/change-feed.js';
import { GenerationCache } from '../../src/cache/generation-cache.js';
import { parseLsn } from '../../src/lib/lsn.js';

const live = (maxSilenceMs: number | null = null) => {
  const feed = new ChangeFeed(maxSilenceMs);
  feed.setLive(true);
  return feed;
};

describe('the change feed and its caches', () => {
  it("drops only the entries carrying a tag a write touched, and any-write entries on every write", () => {
    const feed = live();
    const cache = new GenerationCache<string>(feed, 100);
    const since = cache.begin()!;
    cache.set('a', since, 'org A', 1, ['u:1', 'o:A']);
    cache.set('b', since, 'org B', 1, ['u:2', 'o:B']);
    cache.set('anon', since, 'anonymous', 1, ['*']);
    feed.changed(['o:B']);
    expect([cache.get('a'), cache.get('b'), cache.get('anon')]).toEqual(['org A', undefined, undefined]);
    feed.changed(['u:1']);
    expect(cache.get('a')).toBeUndefined();
  });

  it('refuses an entry whose tags were touched while it was read, and keeps one whose tags were not', () => {
    const feed = live();
    const cache = new GenerationCache<string>(feed, 100);
    const since = cache.begin()!;
    feed.changed(['o:B']);
    cache.set('b', since, 'stale', 1, ['o:B']);
    cache.set('a', since, 'fresh', 1, ['o:A']);
    expect([cache.get('b'), cache.get('a')]).toEqual([undefined, 'fresh']);
    feed.changed('all');
    const later = cache.begin()!;
    expect(cache.get('a')).toBeUndefined();
    cache.set('a', since, 'stale', 1, ['o:A']);
    expect(cache.get('a')).toBeUndefined();
    cache.set('a', later, 'fresh again', 1, ['o:A']);
    expect(cache.get('a')).toBe('fresh again');
  });

  it('serves nothing until a heartbeat of its own is heard, and nothing once it has been silent past the bound', async () => {
    const feed = live(50);
    const sent = new Map([[1, performance.now()]]);
    expect(feed.begin()).toBeNull();
    feed.heard('hb:other:1:0/10', 'me', (n) => sent.get(n)); // another process's beat proves nothing of ours
    expect(feed.begin()).toBeNull();
    feed.heard('hb:me:1:0/10', 'me', (n) => sent.get(n));
    expect(feed.begin()).not.toBeNull();
    expect(feed.covers(parseLsn('0/10')!)).toBe(true);
    expect(feed.covers(parseLsn('0/11')!)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(feed.begin()).toBeNull();
    expect(feed.health()).toMatchObject({ healthy: false });
  });

  it('reads payloads: tags, and everything for an empty one (an older trigger) or a star', () => {
    expect(parseTouched('o:1 u:2')).toEqual(['o:1', 'u:2']);
    expect(parseTouched('')).toBe('all');
    expect(parseTouched('o:1 *')).toBe('all');
  });

  it('orders WAL positions like the WAL, and reads nothing else as one', () => {
    expect(parseLsn('16/B374D848')! > parseLsn('15/FFFFFFFF')!).toBe(true);
    expect(parseLsn('0/3000148')).toBe(0x3000148n);
    for (const bad of ['', 'x/1', '1', '1/2/3', '123456789/0']) expect(parseLsn(bad)).toBeNull();
  });
});
