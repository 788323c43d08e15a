//! The one list helper: `pageNumber` (from 1), `pageSize` (default 25, at
//! most 100), `sortBy` (whitelisted per list), `sortDirection` (`ASC` /
//! `DESC`) and an optional free-text `q`, for the backoffice and the API.
//!
//! The API is strict (a bad value is a 422 naming the field); the backoffice
//! is lenient (a bad value falls back to the default).

use std::sync::atomic::{AtomicI64, Ordering};

use serde::Deserialize;

use crate::domain::actor::Actor;
use crate::domain::cache::{self, Weigh};
use crate::error::{ErrorCode, FieldErrors};

/// The page size when none is asked for.
pub const DEFAULT_SIZE: i64 = 25;
/// The largest page size.
pub const MAX_SIZE: i64 = 100;
/// The largest page number: far past the end of any list, small enough
/// that the rows to skip always fit the databases' integers.
pub const MAX_NUMBER: i64 = 1_000_000;

/// The list parameters as they arrive in a query string (raw, so that bad
/// values can be reported instead of failing the whole request).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListParams {
    pub page_number: Option<String>,
    pub page_size: Option<String>,
    pub sort_by: Option<String>,
    pub sort_direction: Option<String>,
    pub q: Option<String>,
    /// The backoffice's "next" links: the id of the last row of the page
    /// before, to seek from (see [`PageRequest::after`]).
    pub after: Option<String>,
}

/// What a list may be sorted by, and how it is sorted by default.
pub struct SortSpec {
    /// Allowed `sortBy` values, as the API names them.
    pub fields: &'static [&'static str],
    /// The default field.
    pub default: &'static str,
    /// Newest-first style lists default to descending.
    pub default_desc: bool,
}

/// A validated page request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub number: i64,
    pub size: i64,
    pub sort: &'static str,
    pub desc: bool,
    /// Trimmed search text, if any.
    pub q: Option<String>,
    /// Seek: this page starts after the row with this id (of the same
    /// list, search and order: the last row of the page before), read by
    /// the index from there instead of counted from the start. Where the
    /// row is gone, the page is read by its number. The backoffice's "next"
    /// links carry it; the API pages by number only.
    pub after: Option<String>,
}

impl PageRequest {
    /// Rows to skip.
    pub fn offset(&self) -> i64 {
        (self.number - 1).saturating_mul(self.size)
    }

    /// How to read this page of a list of `total` rows with the least
    /// walking: nothing past the end; a page in the list's second half
    /// from the other end (the order reversed, the rows read reversed
    /// back), so no page walks more than half the list's index.
    pub fn window(&self, total: i64) -> Option<Window> {
        let offset = self.offset();
        let rows = self.size.min(total - offset);
        if rows <= 0 {
            return None;
        }
        let from_end = total - offset - rows;
        if from_end < offset {
            let mut request = self.clone();
            request.desc = !request.desc;
            return Some(Window {
                request,
                offset: from_end,
                limit: rows,
                reversed: true,
            });
        }
        Some(Window {
            request: self.clone(),
            offset,
            limit: rows,
            reversed: false,
        })
    }

    /// The cache key (see `domain::cache`) of this list's total: the list's
    /// name, the filters that decide the total, and the search text.
    pub fn count_key(&self, list: &str, filters: &[&str]) -> String {
        count_key(list, filters, self.q.as_deref())
    }

    /// The cache key of this page of the list: the total's key plus the
    /// page and the sort.
    pub fn page_key(&self, list: &str, filters: &[&str]) -> String {
        format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.count_key(list, filters),
            self.number,
            self.size,
            self.sort,
            self.desc,
            self.after.as_deref().unwrap_or("")
        )
    }

    /// The search text as a `LIKE` pattern (`%text%`, wildcards escaped with `\`).
    pub fn like(&self) -> Option<String> {
        self.q.as_ref().map(|q| {
            let escaped = q
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            format!("%{}%", escaped.to_lowercase())
        })
    }
}

impl ListParams {
    /// Strict: every bad value is a field error (API, 422).
    pub fn strict(&self, spec: &SortSpec) -> Result<PageRequest, FieldErrors> {
        let mut errors = FieldErrors::default();
        let number = match self.page_number.as_deref() {
            None => 1,
            Some(v) => match v.parse::<i64>() {
                Ok(n) if (1..=MAX_NUMBER).contains(&n) => n,
                _ => {
                    errors.add("pageNumber", ErrorCode::InvalidChoice);
                    1
                }
            },
        };
        let size = match self.page_size.as_deref() {
            None => DEFAULT_SIZE,
            Some(v) => match v.parse::<i64>() {
                Ok(n) if (1..=MAX_SIZE).contains(&n) => n,
                _ => {
                    errors.add("pageSize", ErrorCode::InvalidChoice);
                    DEFAULT_SIZE
                }
            },
        };
        let sort = match self.sort_by.as_deref() {
            None => spec.default,
            Some(v) => spec
                .fields
                .iter()
                .copied()
                .find(|f| *f == v)
                .unwrap_or_else(|| {
                    errors.add("sortBy", ErrorCode::InvalidChoice);
                    spec.default
                }),
        };
        let desc = match self.sort_direction.as_deref() {
            None => spec.default_desc,
            Some("ASC") => false,
            Some("DESC") => true,
            Some(_) => {
                errors.add("sortDirection", ErrorCode::InvalidChoice);
                spec.default_desc
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(PageRequest {
            number,
            size,
            sort,
            desc,
            q: self.search(),
            after: None,
        })
    }

    /// Lenient: bad values fall back to defaults (backoffice links).
    pub fn lenient(&self, spec: &SortSpec) -> PageRequest {
        // A number past the end (however large) asks for a page past the
        // end: the screens say so; anything else is the first page.
        let number = match self.page_number.as_deref().map(str::trim) {
            Some(v) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => v
                .parse::<i64>()
                .map_or(MAX_NUMBER, |n| n.clamp(1, MAX_NUMBER)),
            _ => 1,
        };
        let size = self
            .page_size
            .as_deref()
            .and_then(|v| v.parse::<i64>().ok())
            .map(|n| n.clamp(1, MAX_SIZE))
            .unwrap_or(DEFAULT_SIZE);
        let sort = self
            .sort_by
            .as_deref()
            .and_then(|v| spec.fields.iter().copied().find(|f| *f == v))
            .unwrap_or(spec.default);
        let desc = match self.sort_direction.as_deref() {
            Some("ASC") => false,
            Some("DESC") => true,
            _ => spec.default_desc,
        };
        // An id as Portaal makes them (a seek from anything else is no
        // seek: the page is read by its number).
        let after = self.after.as_deref().map(str::trim).filter(|a| {
            !a.is_empty()
                && a.len() <= 64
                && a.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
        PageRequest {
            number,
            size,
            sort,
            desc,
            q: self.search(),
            after: after.map(str::to_string),
        }
    }

    /// The search text: control characters (a NUL, which neither a
    /// PostgreSQL text nor an FTS5 query can hold) dropped, trimmed, at
    /// most 100 characters; none when nothing is left.
    fn search(&self) -> Option<String> {
        let q: String = self
            .q
            .as_deref()?
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        let q = q.trim();
        (!q.is_empty()).then(|| q.chars().take(100).collect())
    }
}

/// The cache key of a list's total, with its filters and search (see
/// [`PageRequest::count_key`]).
pub fn count_key(list: &str, filters: &[&str], q: Option<&str>) -> String {
    let mut key = format!("{list}#count");
    for part in filters.iter().copied().chain(q) {
        key.push('\u{1f}');
        key.push_str(part);
    }
    key
}

/// Seek past the row whose sort value is `$value` (of SQL type `$st`) and id
/// `$id` in a boxed query sorted by (`$col`, `$id_col`), ascending or
/// (`$desc`) descending: the rows after it in that order (see [`After`]).
macro_rules! seek {
    ($q:expr, $col:path, $id_col:path, $st:ty, $value:expr, $id:expr, $desc:expr) => {{
        $q.filter($crate::domain::paging::After::<_, _, $st, _> {
            column: $col,
            id_column: $id_col,
            value: $value,
            id: $id,
            desc: $desc,
            sql_type: std::marker::PhantomData,
        })
    }};
}
pub(crate) use seek;

/// The rows after one in a list sorted by (`column`, `id_column`): a row
/// comparison, `(column, id) > (value, id)` (`<` when `desc`), which both
/// databases read as a range of the list's index on (organisation, column,
/// id) — a test of the tie beside a range on `column` alone would walk
/// every row that shares the value (a city, a creation moment) before the
/// first one past it. Its SQL depends only on the columns and the
/// direction, so the prepared statement is kept and used again (diesel
/// prepares a query with a `sql()` piece anew every time).
#[derive(Debug, Clone)]
pub struct After<C, I, ST, V> {
    pub column: C,
    pub id_column: I,
    pub value: V,
    pub id: String,
    pub desc: bool,
    pub sql_type: std::marker::PhantomData<ST>,
}

impl<C, I, ST, V> diesel::Expression for After<C, I, ST, V> {
    type SqlType = diesel::sql_types::Bool;
}

impl<C, I, ST, V, QS> diesel::AppearsOnTable<QS> for After<C, I, ST, V>
where
    C: diesel::AppearsOnTable<QS>,
    I: diesel::AppearsOnTable<QS>,
{
}

impl<C, I, ST, V> diesel::expression::ValidGrouping<()> for After<C, I, ST, V> {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

impl<C, I, ST, V> diesel::query_builder::QueryId for After<C, I, ST, V> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<C, I, ST, V, DB> diesel::query_builder::QueryFragment<DB> for After<C, I, ST, V>
where
    DB: diesel::backend::Backend + diesel::sql_types::HasSqlType<ST>,
    C: diesel::query_builder::QueryFragment<DB>,
    I: diesel::query_builder::QueryFragment<DB>,
    V: diesel::serialize::ToSql<ST, DB>,
    String: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
    ST: 'static,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> diesel::QueryResult<()> {
        out.push_sql("(");
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(", ");
        self.id_column.walk_ast(out.reborrow())?;
        out.push_sql(if self.desc { ") < (" } else { ") > (" });
        out.push_bind_param::<ST, V>(&self.value)?;
        out.push_sql(", ");
        out.push_bind_param::<diesel::sql_types::Text, String>(&self.id)?;
        out.push_sql(")");
        Ok(())
    }
}

/// The rows of `$page` (a `&PageRequest`) of a list of `$total` rows, read
/// with the least walking: from the row its `after` names (`$seek`, where
/// that row is still in the list), else by [`PageRequest::window`], from
/// the list's [`Anchors`] where it has them. `$actor` is who reads (the
/// anchors are kept at the data version it read), `$count_key` the list's
/// [`PageRequest::count_key`], `$sorted` makes the list's query in a
/// request's order, `$seek` its query from after a row's
/// [`SortValue`] and id, `$value` a row's sort value in an order, `$row`
/// is what a row is read as, `$id` the table's id column.
macro_rules! page_rows {
    ($conn:expr, $actor:expr, $count_key:expr, $page:expr, $total:expr, $sorted:expr, $seek:expr, $value:expr, $id:expr, $row:ty) => {{
        let page: &$crate::domain::paging::PageRequest = $page;
        let after = match &page.after {
            Some(after) => $sorted(page)
                .filter($id.eq(after.to_string()))
                .select(<$row>::as_select())
                .first($conn)
                .optional()?
                .map(|row: $row| ($value(&row, page.sort), row.id)),
            None => None,
        };
        match (after, page.window($total)) {
            // A "next" link: from the last row of the page before, by the
            // index (however deep the page).
            (Some(a), _) => $seek($sorted(page), page, a)
                .limit(page.size)
                .select(<$row>::as_select())
                .load($conn)?,
            (None, None) => Vec::new(),
            (None, Some(w)) => {
                let from = $crate::domain::paging::Anchors::seek_for(
                    $conn,
                    $actor,
                    &$count_key,
                    &w,
                    $total,
                    |conn: &mut $crate::db::DbConn| {
                        $sorted(&w.request).select($id).load::<String>(conn)
                    },
                    |conn: &mut $crate::db::DbConn, ids: Vec<String>| {
                        $sorted(&w.request)
                            .filter($id.eq_any(ids))
                            .select(<$row>::as_select())
                            .load(conn)
                            .map(|rows: Vec<$row>| {
                                rows.into_iter()
                                    .map(|row| ($value(&row, w.request.sort), row.id))
                                    .collect::<Vec<_>>()
                            })
                    },
                )?;
                w.in_order(match from {
                    // Fewer rows walked past the anchor than lie between two.
                    Some((a, skip)) => $seek($sorted(&w.request), &w.request, a)
                        .limit(w.limit)
                        .offset(skip)
                        .select(<$row>::as_select())
                        .load($conn)?,
                    None => $sorted(&w.request)
                        .limit(w.limit)
                        .offset(w.offset)
                        .select(<$row>::as_select())
                        .load($conn)?,
                })
            }
        }
    }};
}
pub(crate) use page_rows;

/// One page (`$page`, a `&PageRequest`) of the list `$list` as `$row`s,
/// kept under `$page_key` (an `Option<String>`; `None` keeps the page
/// nowhere, for callers that keep what they make of it) at the actor's data
/// version: its total counted by `$filtered` (kept per search and version),
/// its rows read by [`page_rows!`] (`$sorted`, `$seek`, `$value` and `$id`
/// as there).
macro_rules! list_page {
    ($conn:expr, $actor:expr, $page:expr, $list:expr, $page_key:expr, $filtered:expr, $sorted:expr, $seek:expr, $value:expr, $id:expr, $row:ty) => {{
        let (conn, actor, page, page_key): (
            &mut $crate::db::DbConn,
            &$crate::domain::actor::Actor,
            &$crate::domain::paging::PageRequest,
            Option<String>,
        ) = ($conn, $actor, $page, $page_key);
        let mut load = || {
            let count_key = page.count_key($list, &[]);
            let total = $crate::domain::cache::for_actor(actor, count_key.clone(), || {
                $filtered(page).count().get_result(conn)
            })
            .map(|t| *t)?;
            let items = $crate::domain::paging::page_rows!(
                conn, actor, count_key, page, total, $sorted, $seek, $value, $id, $row
            );
            Ok($crate::domain::paging::Page {
                items,
                request: page.clone(),
                total,
            })
        };
        match page_key {
            Some(key) => $crate::domain::cache::for_actor(actor, key, load),
            None => load().map(std::sync::Arc::new),
        }
    }};
}
pub(crate) use list_page;

/// A row's value in the column a list is sorted by, as the list's seek
/// binds it and (SQLite) as the database compares it: text in byte order
/// (SQLite's `BINARY` collation, which Rust's `Ord` for `str` is), a
/// timestamp in time order (SQLite keeps it as chrono's `%F %T%.f` text,
/// whose byte order is time order: fixed-width fields, the fraction's
/// digits without trailing zeros).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortValue {
    Text(String),
    Stamp(chrono::NaiveDateTime),
}

/// A row's place in one order of a list: its sort value, then its id
/// (which breaks ties).
pub type Place = (SortValue, String);

/// Rows from one anchor to the next, when the anchors are made.
pub const ANCHOR_EVERY: i64 = 64;

/// The most rows between two anchors (or before the first, or after the
/// last) that rows added since they were made may leave: past this they
/// are dropped and made again. Rows added in one place (a run of names
/// with the same start, the newest moment) all land between the same two
/// anchors, so this is a trade: a page there walks up to this many rows,
/// and the anchors are made again (reading the whole list) once per this
/// many creates there.
pub const MOST_BETWEEN: i64 = 16 * ANCHOR_EVERY;

/// Making a list's anchors reads every row's id (a string each) and costs
/// about what walking the whole list this many times costs (skipping a row
/// of an index is far cheaper than reading one out).
const ANCHORS_COST_IN_WALKS: i64 = 8;

/// Every [`ANCHOR_EVERY`]th row of a list in one order (the rows at
/// positions 63, 127, 191, … when made), with its place, sort value and
/// id, kept per data version with the list's pages: a deep page seeks
/// from the anchor before it by the list's index and walks fewer rows
/// than lie between two anchors, where it would otherwise walk up to half
/// the list.
///
/// Making them reads the whole list, so they are made only when the pages
/// read in that order have walked about as much as making them costs
/// ([`ANCHORS_COST_IN_WALKS`] times the list): a list that is read a page
/// at a time never pays for anchors it would not use, and one that is
/// paged through pays at most about twice what the walks would have cost.
///
/// A write that adds a row to the list carries them, and the walks
/// counted, to the version it makes ([`carry_added`]), so a list that
/// gains rows while it is paged through keeps them: in the benchmark's
/// mix of pages and creates every create is a new version, and without
/// this most of the server's time went to walking the index to the page.
pub struct Anchors(Vec<Anchor>);

/// One anchor: the row at `at` (from 0) in the list's order.
#[derive(Clone)]
struct Anchor {
    at: i64,
    row: std::sync::Arc<Place>,
}

impl Weigh for Anchors {
    fn weigh(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.0.capacity() * std::mem::size_of::<Anchor>()
            + self
                .0
                .iter()
                .map(|a| match &a.row.0 {
                    SortValue::Text(t) => t.weigh(),
                    SortValue::Stamp(_) => 0,
                } + a.row.1.weigh() + 16)
                .sum::<usize>()
    }
}

/// Rows walked in one order while there were no anchors (kept apart from
/// the anchors, so that a version that never gets them weighs next to
/// nothing in the cache; carried with the anchors to the next version).
struct Walked(AtomicI64);

impl Weigh for Walked {
    fn weigh(&self) -> usize {
        std::mem::size_of::<Self>()
    }
}

/// Where the anchors of `count_key`'s list in one order are kept.
pub fn anchors_key(count_key: &str, sort: &str, desc: bool) -> String {
    format!("{count_key}\u{1f}anchors\u{1f}{sort}\u{1f}{desc}")
}

impl Anchors {
    /// Where to read `w` (of a list of `total` rows whose count is kept
    /// under `count_key`) from: an anchor's sort value and id, and the
    /// rows to skip after it; or `None` to walk from the start. When the
    /// anchors are to be made, `all_ids` reads the ids of the whole list in
    /// `w.request`'s order and `rows` the sort values of some of them.
    pub fn seek_for<C, E>(
        conn: &mut C,
        actor: &Actor,
        count_key: &str,
        w: &Window,
        total: i64,
        all_ids: impl FnOnce(&mut C) -> Result<Vec<String>, E>,
        rows: impl FnOnce(&mut C, Vec<String>) -> Result<Vec<Place>, E>,
    ) -> Result<Option<(Place, i64)>, E> {
        if w.offset < ANCHOR_EVERY {
            return Ok(None);
        }
        let key = anchors_key(count_key, w.request.sort, w.request.desc);
        let anchors = match cache::kept::<Anchors>(actor, &key) {
            Some(anchors) => anchors,
            None => {
                let Ok(walked) = cache::for_actor(actor, format!("{key}\u{1f}walked"), || {
                    Ok::<_, std::convert::Infallible>(Walked(AtomicI64::new(0)))
                });
                let walked = walked.0.fetch_add(w.offset, Ordering::Relaxed) + w.offset;
                if walked < total.saturating_mul(ANCHORS_COST_IN_WALKS) {
                    return Ok(None);
                }
                cache::for_actor(actor, key, || Self::make(conn, all_ids, rows))?
            }
        };
        // The last anchor before the page's first row.
        let before = anchors.0.partition_point(|a| a.at < w.offset);
        let Some(a) = before.checked_sub(1).and_then(|i| anchors.0.get(i)) else {
            return Ok(None);
        };
        Ok(Some((a.row.as_ref().clone(), w.offset - a.at - 1)))
    }

    /// Every [`ANCHOR_EVERY`]th row of the list.
    fn make<C, E>(
        conn: &mut C,
        all_ids: impl FnOnce(&mut C) -> Result<Vec<String>, E>,
        rows: impl FnOnce(&mut C, Vec<String>) -> Result<Vec<Place>, E>,
    ) -> Result<Self, E> {
        let every = usize::try_from(ANCHOR_EVERY).unwrap_or(64);
        let at: std::collections::HashMap<String, i64> = all_ids(conn)?
            .into_iter()
            .zip(0..)
            .skip(every - 1)
            .step_by(every)
            .collect();
        // Read apart from the ids: a row gone meanwhile is no anchor.
        let mut anchors: Vec<Anchor> = rows(conn, at.keys().cloned().collect())?
            .into_iter()
            .filter_map(|row| {
                Some(Anchor {
                    at: *at.get(&row.1)?,
                    row: std::sync::Arc::new(row),
                })
            })
            .collect();
        anchors.sort_by_key(|a| a.at);
        Ok(Self(anchors))
    }

    /// These anchors once `added` (the sort value and id of a new row) is
    /// in the list, sorted descending when `desc`; `None` when that leaves
    /// more than [`MOST_BETWEEN`] rows from its neighbouring anchors (or
    /// the list's ends, of a list of `total` rows now).
    fn with_added(&self, added: &Place, desc: bool, total: i64) -> Option<Self> {
        // The anchors that stay before the new row.
        let stay = self.0.partition_point(|a| {
            let before = a.row.as_ref() < added;
            before != desc
        });
        let from = stay.checked_sub(1).map_or(-1, |i| self.0[i].at);
        let to = self.0.get(stay).map_or(total, |a| a.at + 1);
        if to - from - 1 > MOST_BETWEEN {
            return None;
        }
        let mut anchors = self.0.clone();
        for a in &mut anchors[stay..] {
            a.at += 1;
        }
        Some(Self(anchors))
    }
}

/// A write added one row to `list` (of [`PageRequest::count_key`]
/// `count_key`, with no search or filter), in the organisation
/// `organization_id`, and raised its data version to `version`: what this
/// process keeps of the list at the version before — its total, and in
/// each of `orders` (a sort and whether descending) its anchors and the
/// rows walked — is carried to `version`, the new row counted in.
/// `added` gives the new row's sort value in an order, with its id.
///
/// Only where the database compares sort values as [`SortValue`] does
/// (SQLite: on PostgreSQL text sorts by the column's collation), and in
/// commit order (after the write committed, while no other write of this
/// process can: `db::after_commit`). A version reached some other way (a
/// write of another instance) finds nothing of the version before and
/// starts afresh.
pub fn carry_added(
    organization_id: &str,
    version: i64,
    count_key: &str,
    orders: &[(&str, bool)],
    added: impl Fn(&str) -> Place,
) {
    let before = version - 1;
    let Some(total) = cache::at::<i64>(organization_id, before, count_key) else {
        return;
    };
    let total = *total + 1;
    cache::keep(
        organization_id,
        version,
        count_key.to_string(),
        std::sync::Arc::new(total),
    );
    for &(sort, desc) in orders {
        let key = anchors_key(count_key, sort, desc);
        let walked_key = format!("{key}\u{1f}walked");
        if let Some(anchors) = cache::at::<Anchors>(organization_id, before, &key) {
            match anchors.with_added(&added(sort), desc, total) {
                Some(anchors) => {
                    cache::keep(organization_id, version, key, std::sync::Arc::new(anchors));
                }
                // Made again once pages have walked the list once more
                // (it is paged through: it had anchors).
                None => cache::keep(
                    organization_id,
                    version,
                    walked_key,
                    std::sync::Arc::new(Walked(AtomicI64::new(
                        total.saturating_mul(ANCHORS_COST_IN_WALKS - 1),
                    ))),
                ),
            }
        } else if let Some(walked) = cache::at::<Walked>(organization_id, before, &walked_key) {
            // The same counter: walks at either version count.
            cache::keep(organization_id, version, walked_key, walked);
        }
    }
}

/// What [`PageRequest::window`] says to read: `limit` rows after `offset`
/// in `request`'s order; when `reversed`, that order is the list's turned
/// round, and the rows read are to be turned back.
#[derive(Debug, Clone)]
pub struct Window {
    pub request: PageRequest,
    pub offset: i64,
    pub limit: i64,
    pub reversed: bool,
}

impl Window {
    /// The rows read, in the list's order.
    pub fn in_order<T>(&self, mut rows: Vec<T>) -> Vec<T> {
        if self.reversed {
            rows.reverse();
        }
        rows
    }
}

/// One page of a list, with what paging links need.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub request: PageRequest,
    pub total: i64,
}

impl<T: Weigh> Weigh for Page<T> {
    /// The rows weighed by a sample (the first, middle and last, each
    /// weighed as one row — an estimate, see [`Weigh`]) times their
    /// number: weighing a record can mean writing it out, and a page's
    /// rows are alike.
    fn weigh(&self) -> usize {
        let items = &self.items;
        let sample = [0, items.len() / 2, items.len().saturating_sub(1)];
        let rows = if items.len() <= sample.len() {
            items.iter().map(Weigh::weigh).sum()
        } else {
            sample.iter().map(|&i| items[i].weigh()).sum::<usize>() * items.len() / sample.len()
        };
        std::mem::size_of::<Self>()
            + rows
            + (items.capacity() - items.len()) * std::mem::size_of::<T>()
            + self.request.q.weigh()
    }
}

impl<T> Page<T> {
    /// Number of pages (at least 1).
    pub fn pages(&self) -> i64 {
        ((self.total + self.request.size - 1) / self.request.size).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: SortSpec = SortSpec {
        fields: &["name", "createdAt"],
        default: "name",
        default_desc: false,
    };

    #[test]
    fn the_search_text_holds_no_control_characters() {
        let q = |text: &str| {
            ListParams {
                q: Some(text.into()),
                ..ListParams::default()
            }
            .lenient(&SPEC)
            .q
        };
        assert_eq!(q(" a\u{0}b\u{8}c\n ").as_deref(), Some("abc"));
        assert_eq!(q("\u{0}\t"), None);
        assert_eq!(q("  Zoë ").as_deref(), Some("Zoë"));
    }

    #[test]
    fn a_window_walks_at_most_half_the_list() {
        let page = |n: &str, s: &str| params(n, s, "", "").lenient(&SPEC);
        // 95 rows, pages of 10: page 1 from the start, page 10 (5 rows)
        // from the end, nothing past the end.
        let w = page("1", "10").window(95).unwrap();
        assert_eq!(
            (w.offset, w.limit, w.reversed, w.request.desc),
            (0, 10, false, false)
        );
        let w = page("10", "10").window(95).unwrap();
        assert_eq!(
            (w.offset, w.limit, w.reversed, w.request.desc),
            (0, 5, true, true)
        );
        let w = page("7", "10").window(95).unwrap();
        assert_eq!((w.offset, w.limit, w.reversed), (25, 10, true));
        assert!(page("11", "10").window(95).is_none());
        assert!(page("1", "10").window(0).is_none());
        // Every row of every page comes out once, in order.
        let list: Vec<i64> = (0..95).collect();
        let mut seen = vec![];
        for n in 1..=10 {
            let w = page(&n.to_string(), "10").window(95).unwrap();
            let order: Vec<i64> = if w.reversed {
                list.iter().rev().copied().collect()
            } else {
                list.clone()
            };
            let rows = order
                .into_iter()
                .skip(usize::try_from(w.offset).unwrap())
                .take(usize::try_from(w.limit).unwrap())
                .collect();
            seen.extend(w.in_order(rows));
        }
        assert_eq!(seen, list);
    }

    fn params(n: &str, s: &str, by: &str, dir: &str) -> ListParams {
        let o = |v: &str| (!v.is_empty()).then(|| v.to_string());
        ListParams {
            page_number: o(n),
            page_size: o(s),
            sort_by: o(by),
            sort_direction: o(dir),
            q: None,
            after: None,
        }
    }

    #[test]
    fn strict_and_lenient() {
        let ok = params("2", "10", "createdAt", "DESC")
            .strict(&SPEC)
            .unwrap();
        assert_eq!(
            (ok.number, ok.size, ok.sort, ok.desc, ok.offset()),
            (2, 10, "createdAt", true, 10)
        );
        let bad = params("0", "1000", "password", "UP")
            .strict(&SPEC)
            .unwrap_err();
        assert_eq!(bad.0.len(), 4);
        let huge = params("9223372036854775807", "100", "", "")
            .strict(&SPEC)
            .unwrap_err();
        assert_eq!(huge.get("pageNumber"), Some(&ErrorCode::InvalidChoice));
        for n in ["9223372036854775807", "99999999999999999999999", "1000001"] {
            let r = params(n, "100", "", "").lenient(&SPEC);
            assert_eq!((r.number, r.offset()), (MAX_NUMBER, 99_999_900), "{n}");
        }
        assert_eq!(params("-3", "", "", "").lenient(&SPEC).number, 1);
        let lenient = params("0", "1000", "password", "UP").lenient(&SPEC);
        assert_eq!(
            (lenient.number, lenient.size, lenient.sort, lenient.desc),
            (1, 100, "name", false)
        );
        assert_eq!(params("", "0", "", "").lenient(&SPEC).size, 1);
    }

    #[test]
    fn like_escapes_wildcards() {
        let mut p = params("", "", "", "");
        p.q = Some("  50%_a\\ ".into());
        assert_eq!(p.lenient(&SPEC).like().as_deref(), Some("%50\\%\\_a\\\\%"));
    }
}
