//! Write transactions, taking turns on SQLite.
//!
//! SQLite has one writer at a time. Left to itself, a connection that finds the write
//! lock taken sleeps in SQLite's busy handler (1, 2, 5, 10 … 100 ms) and tries again, so
//! sixteen clients creating tickets at once spent most of their time asleep (p99 344 ms at
//! 332 tickets/s). Here the instance's write transactions queue on one asynchronous lock
//! instead and each starts the moment the previous one ends; readers never wait (WAL).
//! PostgreSQL writes concurrently and takes no turn.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult,
    QueryResult, Statement, TransactionTrait,
};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::error::{DomainError, DomainResult};

/// How long a write waits for its turn before giving up, as SQLite's busy timeout did.
const TURN_TIMEOUT: Duration = Duration::from_secs(30);

/// The turn of the instance's SQLite writers; nothing on PostgreSQL.
#[derive(Debug, Clone, Default)]
pub struct WriteTurns(Option<Arc<Mutex<()>>>);

impl WriteTurns {
    /// Turns for a database of `backend`: taken in turn on SQLite, free elsewhere.
    #[must_use]
    pub fn for_backend(backend: DbBackend) -> Self {
        Self((backend == DbBackend::Sqlite).then(|| Arc::new(Mutex::new(()))))
    }

    /// Begins a write transaction on `db`, once it is this caller's turn.
    ///
    /// # Errors
    ///
    /// [`DomainError::Internal`] when no turn came within 30 s; database errors.
    pub async fn begin(&self, db: &DatabaseConnection) -> DomainResult<WriteTxn> {
        let turn = match &self.0 {
            Some(lock) => Some(
                tokio::time::timeout(TURN_TIMEOUT, Arc::clone(lock).lock_owned())
                    .await
                    .map_err(|_| DomainError::internal("the database is busy: try again"))?,
            ),
            None => None,
        };
        Ok(WriteTxn {
            txn: db.begin().await?,
            _turn: turn,
        })
    }
}

/// A write transaction that holds its turn until it is committed or dropped (rolled back).
#[derive(Debug)]
pub struct WriteTxn {
    txn: DatabaseTransaction,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl WriteTxn {
    /// Commits, then gives the turn to the next writer.
    ///
    /// # Errors
    ///
    /// Database errors.
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }

    /// Rolls back, then gives the turn to the next writer.
    ///
    /// # Errors
    ///
    /// Database errors.
    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }

    /// The transaction, where a function needs its concrete type.
    #[must_use]
    pub const fn transaction(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

#[async_trait]
impl ConnectionTrait for WriteTxn {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one(stmt).await
    }

    async fn query_all(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }

    fn is_mock_connection(&self) -> bool {
        self.txn.is_mock_connection()
    }
}
