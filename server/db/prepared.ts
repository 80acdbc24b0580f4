import { createHash } from 'node:crypto';
import {
  createQueryId,
  DummyDriver,
  isOperationNodeSource,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type Compilable,
  type CompiledQuery,
  type QueryResult,
  type RawBuilder,
} from 'kysely';
import type { Database } from './create-db.ts';
import type { Executor } from '../audit/audit.repository.ts';

/**
 * Statements of the hot commands (intake, claim, call attempt, outcome, the live board's catch-up),
 * built and compiled once instead of on every request: building a large Kysely query tree and
 * compiling it cost more CPU per intake than the rest of the request's own code. On PostgreSQL they
 * also run as named prepared statements (see PipelinedClient in create-db.ts), so the server parses
 * and plans each once per connection.
 *
 * A statement is written with the query builder as usual, with `p.name` where a value goes; `p.name`
 * is a slot that stays in the compiled parameters and is filled at each run. A slot can stand only
 * where one value is bound (`where(col, '=', p.x)`, `sql\`${p.x}\``, `values({ col: p.x })`): the
 * shape of the statement must not depend on the value (no `in` lists; use `= any(${p.ids}::uuid[])`).
 * Being compiled already, a statement runs as written: an executor's `withSchema` or query-rewriting
 * plugins do not apply to it (plugins still see its result).
 */

/** Compiles without a connection: the Kysely docs' "cold" instance for building queries only. */
const compiler = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

class Slot {
  constructor(readonly key: string) {}
}

/** The statement's parameters as the builder sees them: each one typed as its value. */
export type Slots<P> = { readonly [K in keyof P]: P[K] };

const slots = new Proxy({}, {
  get: (_target, key) => new Slot(String(key)),
  // `{ ...p }` would give an empty object (a proxy has no keys of its own): name each slot instead.
  ownKeys: () => {
    throw new Error('prepared(): name each slot (p.x); the slots cannot be spread or listed');
  },
});

/** SQL text -> how PipelinedClient sends it. */
const roles = new Map<string, { name: string | undefined; commits: boolean }>();

/** The name a prepared statement runs under on PostgreSQL, or undefined for any other statement. */
export function preparedName(sqlText: string): string | undefined {
  return roles.get(sqlText)?.name;
}

/** Whether the statement is one that ends its transaction (see PreparedOptions.endsTransaction). */
export function endsTransaction(sqlText: string): boolean {
  return roles.get(sqlText)?.commits ?? false;
}

function isRaw<R>(statement: Compilable<R> | RawBuilder<R> | object): statement is RawBuilder<R> {
  return 'isRawBuilder' in statement;
}

/**
 * The SQL of a value that is a raw expression without bound values (sql`now()`), for a statement
 * cached by its shape; undefined for a plain value. Throws for an expression that binds values of
 * its own: a cached statement would keep the first call's.
 */
export function constantExpressionSql(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || !isOperationNodeSource(value)) return undefined;
  const compiled = isRaw(value) ? value.compile(compiler) : undefined;
  if (!compiled || compiled.parameters.length > 0) throw new Error('a statement cached by shape takes only plain values and sql`...` without values');
  return compiled.sql;
}

export interface PreparedStatement<P, R> {
  readonly sql: string;
  execute(db: Executor, params: P): Promise<QueryResult<R>>;
  /** The first row, or undefined. */
  first(db: Executor, params: P): Promise<R | undefined>;
}

export interface PreparedOptions {
  /**
   * false: compiled once, but planned by PostgreSQL at each run with the values at hand. For a
   * statement whose best plan depends on them (a generic plan for `seq > $1` must assume a third of
   * the table, and scans it).
   */
  serverPrepared?: boolean;
  /**
   * The last statement of every transaction it runs in: on PostgreSQL its COMMIT goes out right
   * behind it, in the same round trip (the transaction's own COMMIT then answers with that result).
   * Nothing may run between it and the commit.
   */
  endsTransaction?: boolean;
}

export function prepared<P extends object, R>(
  build: (qc: Kysely<Database>, p: Slots<P>) => Compilable<R> | RawBuilder<R>,
  { serverPrepared = true, endsTransaction: commits = false }: PreparedOptions = {},
): PreparedStatement<P, R> {
  const statement = build(compiler, slots as Slots<P>);
  const compiled: CompiledQuery<R> = isRaw(statement) ? statement.compile(compiler) : statement.compile();
  const fill = compiled.parameters.map((value) => (value instanceof Slot ? (value.key as keyof P) : undefined));
  // A name from the text: every node and connection gives the same statement the same name.
  roles.set(compiled.sql, { name: serverPrepared ? `dtc_${createHash('sha1').update(compiled.sql).digest('hex').slice(0, 16)}` : undefined, commits });
  const execute = (db: Executor, params: P) => {
    const parameters = fill.map((key, i) => (key === undefined ? compiled.parameters[i] : params[key]));
    return db.executeQuery<R>({ ...compiled, parameters, queryId: createQueryId() });
  };
  return {
    sql: compiled.sql,
    execute,
    first: async (db, params) => (await execute(db, params)).rows[0],
  };
}
