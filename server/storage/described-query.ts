/**
 * node-postgres queries for named prepared statements that ask PostgreSQL to describe their
 * result columns only once per connection.
 *
 * pg sends Describe with every execution of a prepared statement, and PostgreSQL answers with the
 * RowDescription of every column; pg then parses it and rebuilds the row's type parsers and empty
 * row object from it, every time. For the payment path's statements (`RETURNING *` of a 45-column
 * `payments` row, a 34-column session) that was about a tenth of the payment server's CPU under
 * load. The description of a prepared statement cannot change while it exists: after a schema
 * change that would alter its columns, PostgreSQL refuses to run it ("cached plan must not change
 * result type") rather than answer in a new shape. So the first run on a connection describes the
 * result and keeps what pg built from it (fields, parsers, the empty row); later runs send Bind,
 * Execute and Sync only, and parse their rows with what was kept.
 *
 * It relies on pg's `Query` internals (`prepare`, `hasBeenParsed`, `_getRows`, `_result`), which
 * are stable across pg 8 but not public: every statement on PostgreSQL goes through it, so the
 * test suite on PostgreSQL is what notices a pg upgrade that changed them.
 */
import type pgModule from 'pg';

interface Described {
  fields: unknown[];
  parsers: unknown[] | undefined;
  emptyRow: unknown;
}

/** pg's Query as this module uses it (the parts not in its type declarations). */
interface QueryInternals {
  name?: string;
  text: string;
  values?: unknown[];
  portal: string;
  binary?: boolean;
  rows?: number;
  callback?: unknown;
  _accumulateRows: boolean;
  _canceledDueToError: unknown;
  _result: { fields: unknown[]; _parsers: unknown[] | undefined; _prebuiltEmptyResultObject: unknown };
  hasBeenParsed(connection: unknown): boolean;
  _getRows(connection: unknown, rows: number | undefined): void;
  handleError(error: unknown, connection: unknown): void;
  listeners(event: string): unknown[];
}

interface Connection {
  bind(options: unknown): void;
  close(options: unknown): void;
  sync(): void;
}

export function describedQueryClass(pg: typeof pgModule) {
  const { prepareValue } = (pg as unknown as { utils: { prepareValue(value: unknown): unknown } }).utils;
  /** Per connection, per statement name: what pg built from the statement's RowDescription. */
  const descriptions = new WeakMap<object, Map<string, Described>>();
  const Base = pg.Query as unknown as new (config: object) => object;

  class DescribedQuery extends Base {
    #connection: object | null = null;

    prepare(connection: Connection): void {
      const self = this as unknown as QueryInternals;
      this.#connection = connection;
      const known = self.name ? descriptions.get(connection)?.get(self.name) : undefined;
      if (!known || !self.hasBeenParsed(connection)) {
        (Base.prototype as unknown as { prepare(connection: Connection): void }).prepare.call(this, connection);
        return;
      }
      try {
        connection.bind({ portal: self.portal, statement: self.name, values: self.values, binary: self.binary, valueMapper: prepareValue });
      } catch (error) {
        // As pg does: no half-bound portal left on the connection.
        connection.close({ type: 'S', name: self.name });
        connection.sync();
        self.handleError(error, connection);
        return;
      }
      // What handleRowDescription would have done with the description.
      self._result.fields = known.fields;
      self._result._parsers = known.parsers;
      self._result._prebuiltEmptyResultObject = known.emptyRow;
      self._accumulateRows = Boolean(self.callback) || !self.listeners('row').length;
      self._getRows(connection, self.rows);
    }

    handleCommandComplete(message: unknown, connection: unknown): void {
      const self = this as unknown as QueryInternals;
      const connectionKey = this.#connection;
      if (self.name && connectionKey && !self._canceledDueToError) {
        let known = descriptions.get(connectionKey);
        if (!known) descriptions.set(connectionKey, (known = new Map()));
        if (!known.has(self.name)) {
          known.set(self.name, { fields: self._result.fields, parsers: self._result._parsers, emptyRow: self._result._prebuiltEmptyResultObject });
        }
      }
      (Base.prototype as unknown as { handleCommandComplete(message: unknown, connection: unknown): void }).handleCommandComplete.call(this, message, connection);
    }
  }
  return DescribedQuery as unknown as new (config: { name?: string; text: string; values?: unknown[]; types?: unknown }) => pgModule.Submittable;
}
