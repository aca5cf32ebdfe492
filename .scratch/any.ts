import { PGlite } from '@electric-sql/pglite';
const c = new PGlite();
await c.exec("create table t(id uuid primary key, n int); insert into t values ('00000000-0000-0000-0000-000000000001', 1), ('00000000-0000-0000-0000-000000000002', 2)");
console.log((await c.query('select * from t where id = any($1::uuid[])', [['00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000002']])).rows);
console.log((await c.query('select * from t where id = any($1)', [['00000000-0000-0000-0000-000000000002']])).rows);
