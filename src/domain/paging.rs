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
        let mut key = format!("{list}#count");
        for part in filters.iter().copied().chain(self.q.as_deref()) {
            key.push('\u{1f}');
            key.push_str(part);
        }
        key
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

/// Seek past the row whose sort value is `$value` (of SQL type `$st`) and id
/// `$id` in a boxed query sorted by (`$col`, `$id_col`), ascending or
/// (`$desc`) descending: the rows after it in that order. Written as a row
/// comparison, `(col, id) > (value, id)`, which both databases read as a
/// range of the list's index on (organisation, col, id): a test of the tie
/// beside a range on `col` alone would walk every row that shares the
/// value (a city, a creation moment) before the first one past it.
macro_rules! seek {
    ($q:expr, $col:path, $id_col:path, $st:ty, $value:expr, $id:expr, $desc:expr) => {{
        let after = format!(
            "({}, {}) {} (",
            <$col as diesel::Column>::NAME,
            <$id_col as diesel::Column>::NAME,
            if $desc { "<" } else { ">" }
        );
        $q.filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>(&after)
                .bind::<$st, _>($value)
                .sql(", ")
                .bind::<diesel::sql_types::Text, _>($id)
                .sql(")"),
        )
    }};
}
pub(crate) use seek;

/// The rows of `$page` (a `&PageRequest`) of a list of `$total` rows, read
/// with the least walking: from the row its `after` names (`$seek`, where
/// that row is still in the list), else by [`PageRequest::window`], from
/// the list's [`Anchors`] where it has them. `$actor` is who reads (the
/// anchors are kept at the data version it read), `$count_key` the list's
/// [`PageRequest::count_key`], `$sorted` makes the list's query in a
/// request's order, `$row` is what a row is read as, `$id` the table's id
/// column.
macro_rules! page_rows {
    ($conn:expr, $actor:expr, $count_key:expr, $page:expr, $total:expr, $sorted:expr, $seek:expr, $id:expr, $row:ty) => {{
        let page: &$crate::domain::paging::PageRequest = $page;
        let anchor = |conn: &mut $crate::db::DbConn,
                      after: &str,
                      request: &$crate::domain::paging::PageRequest| {
            $sorted(request)
                .filter($id.eq(after.to_string()))
                .select(<$row>::as_select())
                .first(conn)
                .optional()
        };
        let after = match &page.after {
            Some(after) => anchor($conn, after, page)?,
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
                    $actor,
                    &$count_key,
                    &w,
                    $total,
                    || $sorted(&w.request).select($id).load::<String>($conn),
                )?;
                let from = match from {
                    Some((id, skip)) => anchor($conn, &id, &w.request)?.map(|a| (a, skip)),
                    None => None,
                };
                w.in_order(match from {
                    // Fewer than `ANCHOR_EVERY` rows walked past the anchor.
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

/// Rows from one anchor to the next.
pub const ANCHOR_EVERY: i64 = 64;

/// Making a list's anchors reads every row's id (a string each) and costs
/// about what walking the whole list this many times costs (skipping a row
/// of an index is far cheaper than reading one out).
const ANCHORS_COST_IN_WALKS: i64 = 8;

/// The ids of every [`ANCHOR_EVERY`]th row of a list in one order (the rows
/// at positions 63, 127, 191, …), kept per data version with the list's
/// pages: a deep page seeks from the anchor before it by the list's index
/// and walks fewer than [`ANCHOR_EVERY`] rows, where it would otherwise
/// walk up to half the list.
///
/// Making them reads the whole list, so they are made only when the pages
/// read in that order at that version have walked about as much as making
/// them costs ([`ANCHORS_COST_IN_WALKS`] times the list): a list that
/// changes every few pages (each write is a new version) never pays for
/// anchors it would not use — in the benchmark's mix of pages and writes,
/// anchors made after one list's worth of walking took a third of the
/// server's time — and one that is paged through pays at most about twice
/// what the walks would have cost.
pub struct Anchors(Vec<String>);

impl Weigh for Anchors {
    fn weigh(&self) -> usize {
        self.0.weigh()
    }
}

/// Rows walked in one order at one version while there were no anchors
/// (kept apart from the anchors, so that a version that never gets them
/// weighs next to nothing in the cache).
struct Walked(AtomicI64);

impl Weigh for Walked {
    fn weigh(&self) -> usize {
        std::mem::size_of::<Self>()
    }
}

impl Anchors {
    /// Where to read `w` (of a list of `total` rows whose count is kept
    /// under `count_key`) from: an anchor's id and the rows to skip after
    /// it, or `None` to walk from the start. `all_ids` reads the ids of the
    /// whole list in `w.request`'s order, when the anchors are to be made.
    pub fn seek_for<E>(
        actor: &Actor,
        count_key: &str,
        w: &Window,
        total: i64,
        all_ids: impl FnOnce() -> Result<Vec<String>, E>,
    ) -> Result<Option<(String, i64)>, E> {
        let n = w.offset / ANCHOR_EVERY;
        if n == 0 {
            return Ok(None);
        }
        let key = format!(
            "{count_key}\u{1f}anchors\u{1f}{}\u{1f}{}",
            w.request.sort, w.request.desc
        );
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
                let every = usize::try_from(ANCHOR_EVERY).unwrap_or(64);
                cache::for_actor(actor, key, || {
                    all_ids().map(|ids| {
                        Anchors(ids.into_iter().skip(every - 1).step_by(every).collect())
                    })
                })?
            }
        };
        let Some(id) = usize::try_from(n - 1).ok().and_then(|i| anchors.0.get(i)) else {
            return Ok(None);
        };
        Ok(Some((id.clone(), w.offset - n * ANCHOR_EVERY)))
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
