//! The PostgreSQL schema, embedded (`migrations/relay/postgres/`), and how
//! it is brought up to date: each migration in its own transaction, the
//! version applied kept in `relay_schema_version`, all of it under an
//! advisory lock so that two instances starting at once do not both apply
//! one. A database newer than this relay is refused, as with SQLite.

use ::postgres::Client;

use crate::storage::{StoreError, StoreResult};

/// Each migration, in order; the schema's version is how many are applied.
const MIGRATIONS: &[&str] = &[
    include_str!("../../../../migrations/relay/postgres/0001_schema/up.sql"),
    include_str!("../../../../migrations/relay/postgres/0002_blob_parts/up.sql"),
    include_str!("../../../../migrations/relay/postgres/0003_append_function/up.sql"),
    include_str!("../../../../migrations/relay/postgres/0004_sessions/up.sql"),
];

/// The advisory lock taken while migrating ("nextdate" in ASCII).
const MIGRATION_LOCK: i64 = 0x6e65_7874_6461_7465;

/// Applies the migrations this database lacks.
pub(super) fn migrate(client: &mut Client) -> StoreResult<()> {
    loop {
        let mut tx = client.transaction()?;
        // Held until this transaction ends: another instance migrating waits
        // here, then reads the version this one leaves.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS relay_schema_version (
                 singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
                 version   INTEGER NOT NULL
             )",
        )?;
        let version: i32 = match tx.query_opt("SELECT version FROM relay_schema_version", &[])? {
            Some(row) => row.try_get(0)?,
            None => 0,
        };
        let applied = usize::try_from(version).unwrap_or(0);
        if applied > MIGRATIONS.len() {
            return Err(StoreError::Internal(format!(
                "the relay database is version {version}, newer than this relay ({}); update nextdate-relay",
                MIGRATIONS.len()
            )));
        }
        let Some(sql) = MIGRATIONS.get(applied) else {
            tx.commit()?;
            return Ok(());
        };
        tx.batch_execute(sql)?;
        tx.execute(
            "INSERT INTO relay_schema_version (singleton, version) VALUES (TRUE, $1)
             ON CONFLICT (singleton) DO UPDATE SET version = excluded.version",
            &[&(version + 1)],
        )?;
        tx.commit()?;
        tracing::info!(version = version + 1, "relay database migrated");
    }
}
