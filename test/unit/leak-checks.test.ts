/**
 * The leak check every HTTP suite relies on (test/helpers/leaks.ts) catches
 * what it looks for, and passes what a clean answer says: passing it means
 * something.
 */
import { describe, expect, it } from 'vitest';
import { SQL_TEXT, STACK_FRAME } from '../helpers/leaks.js';

describe('the leak check', () => {
  it('catches stack frames and SQL text, raw or JSON-escaped', () => {
    const leaks = [
      JSON.stringify({ message: 'Failed query: select "id", "subject" from "users" where "users"."subject" = $1' }),
      JSON.stringify({ message: 'insert into "organization_members" ("role") values ($1)' }),
      'delete from audit_events',
      JSON.stringify({ stack: 'Error: boom\n    at authenticate (/work/main/src/context.ts:86:16)' }),
      'at file:///work/main/node_modules/x/session.js:73:11',
    ];
    for (const leak of leaks) expect(STACK_FRAME.test(leak) || SQL_TEXT.test(leak), leak).toBe(true);
    for (const clean of ['{"errors":[{"message":"Cannot query field \\"organisations\\" on type \\"Query\\"."}]}', 'updateOrganization: organization not found']) {
      expect(STACK_FRAME.test(clean) || SQL_TEXT.test(clean), clean).toBe(false);
    }
  });

  it('matches each kind of stack frame and statement on its own', () => {
    expect('Error: boom\n    at insertOrganization (/work/main/src/x.ts:1:2)').toMatch(STACK_FRAME);
    expect(JSON.stringify({ stack: 'Error\n    at foo (file:///x.js:3:4)' })).toMatch(STACK_FRAME);
    expect('at file:///work/main/src/x.ts:10:5').toMatch(STACK_FRAME);
    expect('select "id" from "organizations"').toMatch(SQL_TEXT);
    expect('INSERT INTO users').toMatch(SQL_TEXT);
    expect(JSON.stringify({ message: 'slug must be 2 to 40 lower-case letters, digits or single hyphens, starting and ending with a letter or digit' })).not.toMatch(STACK_FRAME);
  });
});
