//! Column and index helpers shared by the migrations.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

/// Length of the `varchar` columns that store enumerations (`entity::enums`).
pub(crate) const ENUM_LEN: u32 = 32;

/// A 64-bit auto-increment primary key.
///
/// sea-query writes `bigserial PRIMARY KEY` on PostgreSQL and `integer PRIMARY KEY
/// AUTOINCREMENT` on SQLite, where only an `INTEGER PRIMARY KEY` auto-increments (SQLite
/// integers are 64-bit, so the Rust type stays `i64`).
pub(crate) fn pk<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

/// A money column: `numeric(18, 4)` on PostgreSQL.
///
/// On SQLite it is `real`: sea-query refuses a decimal precision above 16 there (it panics),
/// and SeaORM 1.1 reads a `Decimal` from SQLite through an `f64` anyway, so the column must
/// have REAL affinity (a NUMERIC column would hand back whole amounts as INTEGER, which
/// SeaORM then fails to decode). Amounts are therefore exact on PostgreSQL only; on SQLite
/// they keep the 15 significant digits of an `f64`.
pub(crate) fn money<T: IntoIden>(manager: &SchemaManager, col: T) -> ColumnDef {
    let mut def = ColumnDef::new(col);
    match manager.get_database_backend() {
        DbBackend::Sqlite => def.decimal(),
        _ => def.decimal_len(18, 4),
    };
    def
}

/// The named index `name` on `cols` of `table` (unique if `unique`). Indexes are created
/// apart from their table so that the same statements work on SQLite and PostgreSQL.
pub(crate) fn index<T, C, const N: usize>(
    name: &str,
    table: T,
    cols: [C; N],
    unique: bool,
) -> IndexCreateStatement
where
    T: IntoTableRef,
    C: IntoIndexColumn,
{
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(col);
    }
    if unique {
        stmt.unique();
    }
    stmt
}
