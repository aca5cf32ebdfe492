/**
 * Statements built once. Drizzle builds a statement's text anew on every
 * call, a walk of its SQL template with an entity check per chunk: on a
 * request bound by the database that was about a tenth of its CPU. The read
 * paths every request takes build theirs on first use, with placeholders
 * (`sql.placeholder`) where values go, and then only bind values.
 *
 * Each one still runs through the session of the `db` it is given (the
 * primary, a replica, a transaction), with Drizzle's type parsing and
 * statement logging, so routing and counting stay as they are. Its text is
 * the same on every call, which is what lets the pool name it (pool.ts).
 */
import type { Query, SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Db } from './client.js';

const dialect = new PgDialect();

interface Prepared {
  execute(values?: Record<string, unknown>): Promise<unknown>;
}

export type RawRow = Record<string, unknown>;

export class Statement {
  private query: Query | undefined;
  private readonly bySession = new WeakMap<Db['_']['session'], Prepared>();

  constructor(private readonly build: () => SQL) {}

  /** The statement's rows, as the driver gives them (columns under their SQL names, timestamps as text). */
  async rows(db: Db, values: Record<string, unknown>): Promise<RawRow[]> {
    const session = db._.session;
    let prepared = this.bySession.get(session);
    if (!prepared) {
      this.query ??= dialect.sqlToQuery(this.build());
      prepared = session.prepareQuery(this.query, undefined, undefined, false) as Prepared;
      this.bySession.set(session, prepared);
    }
    return ((await prepared.execute(values)) as { rows: RawRow[] }).rows;
  }
}

/** A query's statements by shape (a handful: a token narrowed by `org_id` or not, a kind of principal), each built on first use. */
export class Statements {
  private readonly byShape = new Map<string, Statement>();

  /** `build` runs only the first time a shape is asked for. */
  of(shape: string, build: () => SQL): Statement {
    let statement = this.byShape.get(shape);
    if (!statement) this.byShape.set(shape, (statement = new Statement(build)));
    return statement;
  }
}
