/**
 * Tables of the engine's store. JSON columns hold wire shapes as the SDK
 * sends them. Bump SCHEMA_VERSION on any change: a dev store is disposable,
 * so an old one is refused rather than migrated.
 */
export const SCHEMA_VERSION = 1;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- Synced apps with their raw function configs, so runs resume before any re-sync.
CREATE TABLE IF NOT EXISTS apps (
  app_id TEXT PRIMARY KEY, url TEXT NOT NULL, configs TEXT NOT NULL, synced_at INTEGER NOT NULL
);

-- Accepted events in arrival order (seq); user_id feeds the 24 h dedup index.
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  internal_id TEXT NOT NULL UNIQUE,
  user_id TEXT,
  payload TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  run_ids TEXT NOT NULL,
  deduplicated INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS idempotency_keys (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS idempotency_keys_expiry ON idempotency_keys (expires_at);

CREATE TABLE IF NOT EXISTS runs (
  run_id TEXT PRIMARY KEY,
  function_id TEXT NOT NULL,
  app_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  event TEXT NOT NULL,
  events TEXT NOT NULL,
  status TEXT NOT NULL,
  output TEXT,
  error TEXT,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  version INTEGER NOT NULL,
  parent_run_id TEXT,
  parent_step_id TEXT
);
CREATE INDEX IF NOT EXISTS runs_finished ON runs (ended_at, run_id) WHERE ended_at IS NOT NULL;

-- One row per step a run has planned or memoized; seq = position in ctx.stack.
CREATE TABLE IF NOT EXISTS steps (
  run_id TEXT NOT NULL,
  step_id TEXT NOT NULL,
  seq INTEGER,
  memo TEXT,
  history TEXT NOT NULL,
  PRIMARY KEY (run_id, step_id)
);

-- Outstanding ops (planned steps, sleeps, waits, invokes) with what re-arms them.
CREATE TABLE IF NOT EXISTS ops (
  run_id TEXT NOT NULL, step_id TEXT NOT NULL, detail TEXT NOT NULL, PRIMARY KEY (run_id, step_id)
);

-- Calls to the app that are scheduled (retries) or in flight.
CREATE TABLE IF NOT EXISTS calls (
  call_id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL,
  step_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  disable_immediate INTEGER NOT NULL,
  due_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS calls_run ON calls (run_id);
`;
