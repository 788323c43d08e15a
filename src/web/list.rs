//! The backoffice side of the list helper (`domain::paging`): links that
//! keep the search, size and sort, numbered page links and sortable column
//! headers. Lists wrap themselves in `#list`; their search form, sortable
//! header and paging links are boosted (`hx-boost`, `hx-select="#list"`), so
//! paging, sorting and searching swap only the list and push a shareable URL,
//! while every other link and form on the page behaves normally — and it all
//! works the same without JavaScript.

use std::sync::Arc;

use crate::domain::actor::Actor;
use crate::domain::cache;
use crate::domain::paging::{DEFAULT_SIZE, Page, PageRequest};
use crate::error::AppError;
use crate::i18n::Lang;

/// A link to one page.
pub struct PageLink {
    pub number: i64,
    pub href: String,
    pub current: bool,
    /// Pages are left out before this one (drawn as "…").
    pub gap_before: bool,
}

/// The page numbers a pager links: the first, the last, and two either side
/// of the current one, in order.
fn numbers(current: i64, last: i64) -> Vec<i64> {
    let mut n: Vec<i64> = [1, last]
        .into_iter()
        .chain(current.saturating_sub(2)..=current.saturating_add(2))
        .filter(|n| (1..=last).contains(n))
        .collect();
    n.sort_unstable();
    n.dedup();
    n
}

/// What `layout/pagination.html` draws.
pub struct Pager {
    pub links: Vec<PageLink>,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub total: i64,
    pub from: i64,
    pub to: i64,
    /// The request is for a page past the last one (an old link, a typed
    /// number): the last page's link, to say so and lead back.
    pub beyond: Option<String>,
    /// The element the paging links swap (htmx): `#list`, or a section of
    /// its own such as a customer's `#contacts`.
    pub target: &'static str,
}

impl Pager {
    /// Paging links that swap `target` instead of `#list`.
    pub fn within(self, target: &'static str) -> Self {
        Self { target, ..self }
    }

    /// "Next" seeks from `last` (the id of this page's last row) instead of
    /// counting from the start, for lists that can (`PageRequest::after`).
    pub fn seeking(self, last: Option<&str>) -> Self {
        let next = match (self.next, last) {
            (Some(next), Some(id)) => Some(format!(
                "{next}&{}",
                serde_urlencoded::to_string([("after", id)]).unwrap_or_default()
            )),
            (next, _) => next,
        };
        Self { next, ..self }
    }
}

/// The URL of `base` with these list settings.
pub fn href(base: &str, r: &PageRequest, number: i64, sort: &str, desc: bool) -> String {
    let mut pairs: Vec<(&str, String)> = vec![];
    if let Some(q) = &r.q {
        pairs.push(("q", q.clone()));
    }
    if number > 1 {
        pairs.push(("pageNumber", number.to_string()));
    }
    if r.size != DEFAULT_SIZE {
        pairs.push(("pageSize", r.size.to_string()));
    }
    pairs.push(("sortBy", sort.to_string()));
    pairs.push((
        "sortDirection",
        if desc { "DESC" } else { "ASC" }.to_string(),
    ));
    // A base may carry its own filters already (`/x?actor=…`).
    let sep = if base.contains('?') { '&' } else { '?' };
    format!(
        "{base}{sep}{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}

/// The CSV export of the list at `base` (which may carry its own filters)
/// as `r` shows it: its search and sort.
pub fn export_href(base: &str, r: &PageRequest) -> String {
    let base = match base.split_once('?') {
        Some((path, filters)) => format!("{path}/export?{filters}"),
        None => format!("{base}/export"),
    };
    href(&base, r, 1, r.sort, r.desc)
}

/// Paging links for `page` of the list at `base`: first, last, and two on
/// each side of the current page.
pub fn pager<T>(base: &str, page: &Page<T>) -> Pager {
    let r = &page.request;
    let last = page.pages();
    let link = |n: i64| href(base, r, n, r.sort, r.desc);
    let mut before = 0;
    let links = numbers(r.number, last)
        .into_iter()
        .map(|n| {
            let gap_before = n > before + 1;
            before = n;
            PageLink {
                number: n,
                href: link(n),
                current: n == r.number,
                gap_before,
            }
        })
        .collect();
    let from = if page.total == 0 { 0 } else { r.offset() + 1 };
    Pager {
        target: "#list",
        beyond: (r.number > last).then(|| link(last)),
        links,
        prev: (r.number > 1).then(|| link((r.number - 1).min(last))),
        next: (r.number < last).then(|| link(r.number + 1)),
        total: page.total,
        from: from.min(page.total),
        to: (r.offset() + page.items.len() as i64).min(page.total),
    }
}

/// A sortable column header: its link and its `aria-sort` value.
pub struct SortHeader {
    pub href: String,
    pub aria_sort: &'static str,
}

/// The header of the column sorted by `field`: clicking it sorts ascending,
/// or flips the direction when it is already the sort.
pub fn sort_header(base: &str, r: &PageRequest, field: &str) -> SortHeader {
    let active = r.sort == field;
    SortHeader {
        href: href(base, r, 1, field, active && !r.desc),
        aria_sort: match (active, r.desc) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        },
    }
}

/// A list's `#list` section (search, table, paging) as HTML, kept once per
/// data version while nothing it shows changes: the page of the list that
/// the request asks for (search, page, size, sort), the language, and
/// `flags` (whatever the viewer's role adds or removes, such as a "new"
/// button). A section holds nothing of one browser's (no CSRF token):
/// everyone in the organisation with the same flags gets the same bytes.
///
/// Only the HTML is kept, not the rows it was made from: on the database
/// thread [`Section::kept_or`] looks for the section and reads the page's
/// rows only when it is not kept; [`Section::html`] then renders and keeps
/// it.
pub enum Section<T> {
    /// The section was kept.
    Kept(Arc<String>),
    /// Not kept: the rows to make it from, and where to keep it.
    Load { key: String, rows: T },
}

impl<T> Section<T> {
    /// The section of `list` for `request` in `lang` with `flags`, if kept
    /// at the actor's data version (or a newer one), else `load`'s rows.
    pub fn kept_or(
        actor: &Actor,
        list: &str,
        request: &PageRequest,
        lang: Lang,
        flags: &[bool],
        load: impl FnOnce() -> Result<T, AppError>,
    ) -> Result<Self, AppError> {
        let mut key = request.page_key(&format!("{list}-html"), &[]);
        key.push('\u{1f}');
        key.push_str(lang.code());
        for flag in flags {
            key.push(if *flag { '1' } else { '0' });
        }
        match cache::kept::<String>(actor, &key) {
            Some(html) => Ok(Section::Kept(html)),
            None => Ok(Section::Load { key, rows: load()? }),
        }
    }

    /// The section's HTML: as kept, or rendered from the rows (and kept).
    pub fn html(
        self,
        actor: &Actor,
        render: impl FnOnce(T) -> Result<String, AppError>,
    ) -> Result<Arc<String>, AppError> {
        match self {
            Section::Kept(html) => Ok(html),
            Section::Load { key, rows } => cache::for_actor(actor, key, || render(rows)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pager_links_the_ends_and_the_neighbours() {
        assert_eq!(numbers(1, 1), [1]);
        assert_eq!(numbers(1, 10), [1, 2, 3, 10]);
        assert_eq!(numbers(5, 10), [1, 3, 4, 5, 6, 7, 10]);
        assert_eq!(numbers(10, 10), [1, 8, 9, 10]);
        assert_eq!(numbers(3, 4), [1, 2, 3, 4]);
        // Past the end (an old link): the ends only.
        assert_eq!(numbers(50, 10), [1, 10]);
        assert_eq!(numbers(i64::MAX, 2), [1, 2]);
    }

    /// A section is rendered from rows once per version, language and
    /// flags; once kept, its rows are not read again.
    #[test]
    fn a_kept_section_reads_no_rows() {
        use crate::domain::scopes::Role;
        let org = crate::db::new_id();
        let at = |version| {
            Actor::member(org.clone(), "u".into(), "U".into(), Role::Access, None)
                .with_data_version(version)
        };
        let request = PageRequest {
            number: 2,
            size: 10,
            sort: "name",
            desc: false,
            q: Some("ams".into()),
            after: None,
        };
        let section = |actor: &Actor, lang, flag, rows: &'static str| {
            let mut read = false;
            let html = Section::kept_or(actor, "/x", &request, lang, &[flag], || {
                read = true;
                Ok(rows)
            })
            .unwrap()
            .html(actor, |rows| Ok(format!("<p>{rows}</p>")))
            .unwrap();
            (html.to_string(), read)
        };
        let v1 = at(1);
        assert_eq!(section(&v1, Lang::En, true, "a"), ("<p>a</p>".into(), true));
        assert_eq!(
            section(&v1, Lang::En, true, "b"),
            ("<p>a</p>".into(), false),
            "kept: no rows read"
        );
        assert_eq!(section(&v1, Lang::Nl, true, "c"), ("<p>c</p>".into(), true));
        assert_eq!(
            section(&v1, Lang::En, false, "d"),
            ("<p>d</p>".into(), true)
        );
        let v2 = at(2);
        assert_eq!(
            section(&v2, Lang::En, true, "e"),
            ("<p>e</p>".into(), true),
            "a new version reads its rows again"
        );
        let unversioned = Actor::member(org.clone(), "u".into(), "U".into(), Role::Access, None);
        assert_eq!(
            section(&unversioned, Lang::En, true, "f"),
            ("<p>f</p>".into(), true)
        );
        assert_eq!(
            section(&unversioned, Lang::En, true, "g"),
            ("<p>g</p>".into(), true),
            "no version: nothing kept"
        );
    }
}
