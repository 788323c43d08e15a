//! What operators see of every organisation (`/platform`): the list of
//! organisations with a search, each with its number of members. Only an
//! [`Operator`] may ask.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{memberships, organizations};
use crate::db::{self, DbConn, lower};
use crate::domain::operators::Operator;
use crate::domain::paging::{Page, PageRequest, SortSpec};
use crate::error::AppError;

/// The sorts of the organisations list.
pub const SORT: SortSpec = SortSpec {
    fields: &["name", "createdAt"],
    default: "name",
    default_desc: false,
};

/// One organisation in the list.
#[derive(Debug, Clone, Queryable)]
pub struct OrganizationRow {
    pub id: String,
    pub name: String,
    pub created_at: NaiveDateTime,
    /// Members whose membership is not disabled.
    pub members: i64,
}

/// One page of the organisations whose name holds `page`'s search (any
/// case), with their member counts: one query for the page (the members
/// counted by a grouped join on `memberships (organization_id, user_id)`)
/// and one for the total.
pub fn organizations(
    conn: &mut DbConn,
    _operator: &Operator,
    page: PageRequest,
) -> Result<Page<OrganizationRow>, AppError> {
    let like = page.like();
    let mut count = organizations::table.into_boxed::<db::Backend>();
    if let Some(like) = &like {
        count = count.filter(lower(organizations::name).like(like.clone()).escape('\\'));
    }
    let total: i64 = count.count().get_result(conn)?;
    let mut q = organizations::table
        .left_join(
            memberships::table.on(memberships::organization_id
                .eq(organizations::id)
                .and(memberships::disabled.eq(false))),
        )
        .group_by(organizations::id)
        .select((
            organizations::id,
            organizations::name,
            organizations::created_at,
            diesel::dsl::count(memberships::id.nullable()),
        ))
        .into_boxed::<db::Backend>();
    if let Some(like) = &like {
        q = q.filter(lower(organizations::name).like(like.clone()).escape('\\'));
    }
    q = match (page.sort, page.desc) {
        ("createdAt", false) => q.order((organizations::created_at.asc(), organizations::id.asc())),
        ("createdAt", true) => {
            q.order((organizations::created_at.desc(), organizations::id.desc()))
        }
        (_, false) => q.order((organizations::name.asc(), organizations::id.asc())),
        (_, true) => q.order((organizations::name.desc(), organizations::id.desc())),
    };
    let items = q
        .limit(page.size)
        .offset(page.offset())
        .load::<OrganizationRow>(conn)?;
    Ok(Page {
        items,
        request: page,
        total,
    })
}
