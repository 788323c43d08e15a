//! Search through an index, on both backends: the rows of a table whose
//! text columns contain a term, case-insensitively for every letter (not
//! only A–Z), diacritics as typed.
//!
//! - **SQLite**: each searched table has an FTS5 table `{table}_search`
//!   with the `trigram` tokenizer (`case_sensitive 0`: Unicode case
//!   folding, no diacritics removed), holding the same columns and kept in
//!   step by triggers (migration `000024_search`). A term of
//!   [`INDEXED_CHARS`] characters or more is a phrase query on it: an exact
//!   substring, found through the index. A shorter term has no trigram: it
//!   is a scan of the table's rows with `casefold()`, the Unicode
//!   lower-casing this module registers on every connection.
//! - **PostgreSQL**: a GIN `pg_trgm` index on each `lower(column)`; `LIKE` on
//!   `lower(column)` uses them for terms of three characters or more and
//!   scans for shorter ones (`lower()` folds every letter in a UTF-8
//!   database).
//!
//! One way to search: a list's `filtered()` adds
//! `.filter(search::contains(&SEARCH, term))` with its table's [`Searched`];
//! a list of one tenant's rows uses [`in_tenant`] instead of its tenant
//! filter when it searches.

use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Bool, Text};
use diesel::sqlite::{Sqlite, SqliteConnection};
use diesel::{QueryResult, sql_types};

/// A searched table: its name and the text columns a search looks in (on
/// SQLite also the columns of its `{table}_search` FTS5 table, in order).
#[derive(Debug)]
pub struct Searched {
    /// The table.
    pub table: &'static str,
    /// Its FTS5 table (SQLite).
    pub index: &'static str,
    /// The columns searched.
    pub columns: &'static [&'static str],
}

/// The shortest term the trigram index answers; shorter ones are a scan.
pub const INDEXED_CHARS: usize = 3;

/// Rows of `of` with `term` in one of its columns.
pub fn contains(of: &'static Searched, term: &str) -> Contains {
    contains_of(of, None, term)
}

/// Rows of `of` with `term` in one of its columns that belong to tenant
/// `organization_id` (its column `organization_id`): the list's tenant
/// filter and its search in one condition. On SQLite the tenant test is
/// marked as letting nearly every row through (`likelihood(…, 0.99)`), so
/// the planner finds the rows through the search index, not by walking
/// the whole tenant's index and testing each row (without statistics it
/// takes a tenant test for a selective one: 25 ms instead of 1 ms for a
/// 3-digit search in 100,000 rows).
pub fn in_tenant(of: &'static Searched, organization_id: &str, term: &str) -> Contains {
    contains_of(of, Some(organization_id.to_string()), term)
}

fn contains_of(of: &'static Searched, tenant: Option<String>, term: &str) -> Contains {
    let folded = term.to_lowercase();
    let escaped = folded
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    Contains {
        of,
        tenant,
        indexed: term.chars().count() >= INDEXED_CHARS,
        phrase: format!("\"{}\"", term.replace('"', "\"\"")),
        pattern: format!("%{escaped}%"),
    }
}

/// The filter [`contains`] makes: an SQL expression of type `Bool`.
#[derive(Debug, Clone)]
pub struct Contains {
    of: &'static Searched,
    /// The tenant the rows must belong to, if the condition holds it.
    tenant: Option<String>,
    indexed: bool,
    /// The term as an FTS5 phrase (SQLite, indexed).
    phrase: String,
    /// The folded term as a `LIKE` pattern, wildcards escaped with `\`.
    pattern: String,
}

impl Contains {
    /// `t.organization_id = ? AND ` (`likely`: wrapped in SQLite's
    /// `likelihood(…, 0.99)`), when the condition holds the tenant.
    fn walk_tenant<'b, DB>(&'b self, likely: bool, out: &mut AstPass<'_, 'b, DB>) -> QueryResult<()>
    where
        DB: diesel::backend::Backend + diesel::sql_types::HasSqlType<Text>,
        String: diesel::serialize::ToSql<Text, DB>,
    {
        let Some(tenant) = &self.tenant else {
            return Ok(());
        };
        if likely {
            out.push_sql("likelihood(");
        }
        out.push_identifier(self.of.table)?;
        out.push_sql(".");
        out.push_identifier("organization_id")?;
        out.push_sql(" = ");
        out.push_bind_param::<Text, String>(tenant)?;
        if likely {
            out.push_sql(", 0.99)");
        }
        out.push_sql(" AND ");
        Ok(())
    }

    /// `(fold(t.c1) LIKE ? ESCAPE '\' OR fold(t.c2) LIKE ? …)`.
    fn walk_like<'b, DB>(&'b self, fold: &str, out: &mut AstPass<'_, 'b, DB>) -> QueryResult<()>
    where
        DB: diesel::backend::Backend + diesel::sql_types::HasSqlType<Text>,
        String: diesel::serialize::ToSql<Text, DB>,
    {
        out.push_sql("(");
        for (i, column) in self.of.columns.iter().enumerate() {
            if i > 0 {
                out.push_sql(" OR ");
            }
            out.push_sql(fold);
            out.push_sql("(");
            out.push_identifier(self.of.table)?;
            out.push_sql(".");
            out.push_identifier(column)?;
            out.push_sql(") LIKE ");
            out.push_bind_param::<Text, String>(&self.pattern)?;
            out.push_sql(" ESCAPE '\\'");
        }
        out.push_sql(")");
        Ok(())
    }
}

impl QueryFragment<Sqlite> for Contains {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        out.push_sql("(");
        if !self.indexed {
            // A scan either way: the tenant's index narrows it.
            self.walk_tenant(false, &mut out)?;
            self.walk_like("casefold", &mut out)?;
            out.push_sql(")");
            return Ok(());
        }
        self.walk_tenant(true, &mut out)?;
        out.push_identifier(self.of.table)?;
        out.push_sql(".rowid IN (SELECT rowid FROM ");
        out.push_identifier(self.of.index)?;
        out.push_sql(" WHERE ");
        out.push_identifier(self.of.index)?;
        out.push_sql(" MATCH ");
        out.push_bind_param::<Text, String>(&self.phrase)?;
        out.push_sql("))");
        Ok(())
    }
}

impl QueryFragment<Pg> for Contains {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        // Planned for its own pattern every time: a plan kept for any
        // pattern (`LIKE $2`) cannot tell a rare term from a common one
        // and scans the table.
        out.unsafe_to_cache_prepared();
        out.push_sql("(");
        self.walk_tenant(false, &mut out)?;
        self.walk_like("lower", &mut out)?;
        out.push_sql(")");
        Ok(())
    }
}

impl QueryFragment<super::Backend> for Contains {
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, super::Backend>) -> QueryResult<()> {
        super::Backend::walk_variant_ast(self, pass)
    }
}

impl QueryId for Contains {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Expression for Contains {
    type SqlType = Bool;
}

impl<QS> AppearsOnTable<QS> for Contains {}

impl<QS> SelectableExpression<QS> for Contains {}

impl ValidGrouping<()> for Contains {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

diesel::define_sql_function! {
    /// `casefold(text)`: the text lower-cased for every letter (SQLite's
    /// own `lower()` folds only A–Z). SQLite only: registered on every
    /// connection by [`register`].
    fn casefold(x: sql_types::Nullable<sql_types::Text>) -> sql_types::Nullable<sql_types::Text>;
}

/// Register `casefold()` on a SQLite connection.
pub fn register(conn: &mut SqliteConnection) -> QueryResult<()> {
    casefold_utils::register_impl(conn, |x: Option<String>| x.map(|s| s.to_lowercase()))
}
