//! Meetings: an employee (a member), from and to (stored in UTC, entered and
//! shown in the organisation's time zone), an optional location, an optional
//! customer and one of its contacts, and notes.
//! When the employee already has a meeting at that time the write reports the
//! overlap and saves only once the caller confirms it.

use chrono::NaiveDateTime;
use chrono_tz::Tz;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::schema::{contacts, customers, locations, meetings, memberships, users};
use crate::db::{self, DbConn, new_id};
use crate::domain::actor::Actor;
use crate::domain::audit::{self, Event};
use crate::domain::export;
use crate::domain::local_time::{iso_utc, local_to_utc, parse_iso_utc, parse_local};
use crate::domain::paging::{Page, PageRequest, SortSpec};
use crate::domain::scopes::Operation;
use crate::error::{AppError, ErrorCode, FieldErrors};

/// Longest notes.
pub const MAX_NOTES: usize = 2000;
/// Longest subject.
pub const MAX_SUBJECT: usize = 120;

/// A meeting row (times in UTC).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = meetings)]
pub struct Meeting {
    pub id: String,
    pub organization_id: String,
    pub employee_id: String,
    pub location_id: Option<String>,
    #[diesel(deserialize_as = crate::db::Stamp)]
    pub date_from: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::Stamp)]
    pub date_to: NaiveDateTime,
    pub notes: String,
    pub version: i32,
    #[diesel(deserialize_as = crate::db::Stamp)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::Stamp)]
    pub updated_at: NaiveDateTime,
    /// What it is about (may be empty: see [`Meeting::title`]).
    pub subject: String,
    /// Who it is with: a customer of the organisation…
    pub customer_id: Option<String>,
    /// …and one of that customer's contacts.
    pub contact_id: Option<String>,
}

impl Meeting {
    /// What the meeting is about, as the screens show it: its subject, or
    /// the first line of its notes when it has none (empty when neither).
    pub fn title(&self) -> &str {
        match self.subject.trim() {
            "" => self.notes.lines().next().unwrap_or_default().trim(),
            subject => subject,
        }
    }
}

/// A meeting with the names people read (employee, location, customer,
/// contact), loaded with one joined query.
#[derive(Debug, Clone)]
pub struct MeetingRow {
    pub meeting: Meeting,
    pub employee_name: String,
    pub location_name: Option<String>,
    pub customer_name: Option<String>,
    /// The contact's first and last name.
    pub contact_name: Option<String>,
}

type Joined = (
    Meeting,
    String,
    Option<String>,
    Option<String>,
    Option<(String, String)>,
);

fn row((meeting, employee_name, location_name, customer_name, contact): Joined) -> MeetingRow {
    MeetingRow {
        meeting,
        employee_name,
        location_name,
        customer_name,
        contact_name: contact.map(|(first, last)| format!("{first} {last}")),
    }
}

/// Meetings with their employee and (optional) location, customer and
/// contact.
macro_rules! joined {
    () => {
        meetings::table
            .inner_join(users::table)
            .left_join(locations::table)
            .left_join(customers::table)
            .left_join(contacts::table)
    };
}

/// The columns of a [`MeetingRow`].
macro_rules! row_columns {
    () => {
        (
            Meeting::as_select(),
            users::name,
            locations::name.nullable(),
            customers::name.nullable(),
            (contacts::firstname, contacts::lastname).nullable(),
        )
    };
}

impl MeetingRow {
    fn view(&self) -> MeetingView<'_> {
        let m = &self.meeting;
        MeetingView {
            subject: &m.subject,
            employee_id: &m.employee_id,
            employee_name: &self.employee_name,
            location_id: m.location_id.as_deref(),
            location_name: self.location_name.as_deref(),
            customer_id: m.customer_id.as_deref(),
            customer_name: self.customer_name.as_deref(),
            contact_id: m.contact_id.as_deref(),
            contact_name: self.contact_name.as_deref(),
            date_from: iso_utc(m.date_from),
            date_to: iso_utc(m.date_to),
            notes: &m.notes,
        }
    }
}

/// What the audit log keeps of a meeting (times as ISO 8601 in UTC).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MeetingView<'a> {
    subject: &'a str,
    employee_id: &'a str,
    employee_name: &'a str,
    location_id: Option<&'a str>,
    location_name: Option<&'a str>,
    customer_id: Option<&'a str>,
    customer_name: Option<&'a str>,
    contact_id: Option<&'a str>,
    contact_name: Option<&'a str>,
    date_from: String,
    date_to: String,
    notes: &'a str,
}

// ---------------------------------------------------------------- validation

/// The form / API input: times as local `YYYY-MM-DDTHH:MM` text, or as RFC
/// 3339 moments with an offset.
#[derive(Debug, Clone, Default)]
pub struct MeetingInput {
    pub subject: String,
    pub employee_id: String,
    pub location_id: Option<String>,
    pub customer_id: Option<String>,
    /// A contact of the customer; alone, it brings its customer.
    pub contact_id: Option<String>,
    pub date_from: String,
    pub date_to: String,
    pub notes: String,
    pub version: i32,
}

/// A validated input (times in UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidMeeting {
    pub subject: String,
    pub employee_id: String,
    pub location_id: Option<String>,
    pub customer_id: Option<String>,
    pub contact_id: Option<String>,
    pub date_from: NaiveDateTime,
    pub date_to: NaiveDateTime,
    pub notes: String,
}

fn moment(e: &mut FieldErrors, field: &'static str, raw: &str, tz: Tz) -> Option<NaiveDateTime> {
    if raw.trim().is_empty() {
        e.add(field, ErrorCode::Required);
        return None;
    }
    // An exact moment (`2026-10-25T01:30:00Z`, `…+02:00`), as the API may
    // send: no local-time interpretation needed.
    if let Ok(exact) = chrono::DateTime::parse_from_rfc3339(raw.trim()) {
        return Some(exact.naive_utc());
    }
    let Some(local) = parse_local(raw) else {
        e.add(field, ErrorCode::InvalidDateTime);
        return None;
    };
    local_to_utc(tz, local)
        .map_err(|code| e.add(field, code))
        .ok()
}

/// Every rule that needs no database: employee given, both times given and
/// existing in `tz`, from before to, notes not too long.
pub fn validate(input: &MeetingInput, tz: Tz) -> Result<ValidMeeting, FieldErrors> {
    let mut e = FieldErrors::default();
    let subject = input.subject.trim().to_string();
    if subject.chars().count() > MAX_SUBJECT {
        e.add("subject", ErrorCode::TooLong(MAX_SUBJECT));
    }
    let employee_id = input.employee_id.trim().to_string();
    if employee_id.is_empty() {
        e.add("employee_id", ErrorCode::Required);
    }
    let location_id = given(&input.location_id).map(str::to_string);
    let customer_id = given(&input.customer_id).map(str::to_string);
    let contact_id = given(&input.contact_id).map(str::to_string);
    let from = moment(&mut e, "date_from", &input.date_from, tz);
    let to = moment(&mut e, "date_to", &input.date_to, tz);
    if let (Some(f), Some(t)) = (from, to) {
        if t <= f {
            e.add("date_to", ErrorCode::EndBeforeStart);
        } else if t - f > max_duration() {
            e.add("date_to", ErrorCode::MeetingTooLong(MAX_DAYS));
        }
    }
    let notes = input.notes.trim().to_string();
    if notes.chars().count() > MAX_NOTES {
        e.add("notes", ErrorCode::TooLong(MAX_NOTES));
    }
    match (from, to) {
        (Some(date_from), Some(date_to)) if e.is_empty() => Ok(ValidMeeting {
            subject,
            employee_id,
            location_id,
            customer_id,
            contact_id,
            date_from,
            date_to,
            notes,
        }),
        _ => Err(e),
    }
}

/// An optional id as given: trimmed, `None` when empty.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn is_member(conn: &mut DbConn, org: &str, user_id: &str) -> QueryResult<bool> {
    Ok(memberships::table
        .filter(memberships::organization_id.eq(org))
        .filter(memberships::user_id.eq(user_id))
        .select(memberships::id)
        .first::<String>(conn)
        .optional()?
        .is_some())
}

fn is_location(conn: &mut DbConn, org: &str, id: &str) -> QueryResult<bool> {
    Ok(locations::table
        .filter(locations::organization_id.eq(org))
        .filter(locations::id.eq(id))
        .select(locations::id)
        .first::<String>(conn)
        .optional()?
        .is_some())
}

fn is_customer(conn: &mut DbConn, org: &str, id: &str) -> QueryResult<bool> {
    Ok(customers::table
        .filter(customers::organization_id.eq(org))
        .filter(customers::id.eq(id))
        .select(customers::id)
        .first::<String>(conn)
        .optional()?
        .is_some())
}

/// The customer of one of the organisation's contacts (`None`: no such
/// contact here).
fn customer_of_contact(conn: &mut DbConn, org: &str, id: &str) -> QueryResult<Option<String>> {
    contacts::table
        .filter(contacts::organization_id.eq(org))
        .filter(contacts::id.eq(id))
        .select(contacts::customer_id)
        .first::<String>(conn)
        .optional()
}

/// [`validate`] plus the rules that need the database: the employee is a
/// member, the location and the customer belong to the organisation and the
/// contact to the customer (a contact alone brings its customer). Another
/// organisation's id reads as one that does not exist. All errors at once.
fn check(
    conn: &mut DbConn,
    org: &str,
    tz: Tz,
    input: &MeetingInput,
) -> Result<ValidMeeting, AppError> {
    let (valid, mut e) = match validate(input, tz) {
        Ok(v) => (Some(v), FieldErrors::default()),
        Err(e) => (None, e),
    };
    let employee = input.employee_id.trim();
    if !employee.is_empty() && !is_member(conn, org, employee)? {
        e.add("employee_id", ErrorCode::NotAMember);
    }
    if let Some(location) = input
        .location_id
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        && !is_location(conn, org, location)?
    {
        e.add("location_id", ErrorCode::InvalidChoice);
    }
    let customer = given(&input.customer_id);
    let customer_known = match customer {
        Some(c) => is_customer(conn, org, c)?,
        None => true,
    };
    if !customer_known {
        e.add("customer_id", ErrorCode::InvalidChoice);
    }
    let mut contact_customer = None;
    if let Some(contact) = given(&input.contact_id) {
        match customer_of_contact(conn, org, contact)? {
            None => e.add("contact_id", ErrorCode::InvalidChoice),
            Some(of) if customer_known && customer.is_some_and(|c| c != of) => {
                e.add("contact_id", ErrorCode::ContactNotOfCustomer);
            }
            Some(of) => contact_customer = Some(of),
        }
    }
    match valid {
        Some(mut v) if e.is_empty() => {
            if v.customer_id.is_none() {
                v.customer_id = contact_customer;
            }
            Ok(v)
        }
        _ => Err(AppError::Validation(e)),
    }
}

// ---------------------------------------------------------------- reading

/// How the list may be sorted.
pub const SORT: SortSpec = SortSpec {
    fields: &["dateFrom", "employee", "location"],
    default: "dateFrom",
    default_desc: false,
};

/// What the list shows: by employee, location and period. Without a period
/// it shows the upcoming meetings (not yet ended).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub employee_id: Option<String>,
    pub location_id: Option<String>,
    pub customer_id: Option<String>,
    /// Meetings that end after this moment (UTC).
    pub from: Option<NaiveDateTime>,
    /// Meetings that start before this moment (UTC).
    pub until: Option<NaiveDateTime>,
}

crate::domain::cache::weigh_by_debug!(MeetingRow);

/// One page of the organisation's meetings, with names, in one query (and
/// its total in another), kept per data version. Without a period the list
/// is the upcoming meetings, which changes with the clock: those are read
/// as of the start of the minute and kept for that minute.
pub fn list(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    filter: &Filter,
    page: PageRequest,
) -> Result<std::sync::Arc<Page<MeetingRow>>, AppError> {
    use chrono::Timelike;
    actor.require(Operation::MeetingList)?;
    let org = actor.organization_id.as_str();
    let now = now
        .with_nanosecond(0)
        .and_then(|t| t.with_second(0))
        .unwrap_or(now);
    let upcoming_at = match (filter.from, filter.until) {
        (None, None) => now.to_string(),
        _ => String::new(),
    };
    let key = format!(
        "{}\u{1f}{filter:?}\u{1f}{upcoming_at}",
        page.page_key("meetings", &[])
    );
    crate::domain::cache::for_actor(actor, key, || {
        let total: i64 = filtered(org, now, filter).count().get_result(conn)?;
        let items = sorted(filtered(org, now, filter), &page)
            .limit(page.size)
            .offset(page.offset())
            .select(row_columns!())
            .load::<Joined>(conn)?
            .into_iter()
            .map(row)
            .collect();
        Ok(Page {
            items,
            request: page,
            total,
        })
    })
}

/// The meetings joined with their employee, location, customer and
/// contact, boxed.
type Boxed<'a> = diesel::dsl::IntoBoxed<
    'a,
    diesel::dsl::LeftJoin<
        diesel::dsl::LeftJoin<
            diesel::dsl::LeftJoin<
                diesel::dsl::InnerJoin<meetings::table, users::table>,
                locations::table,
            >,
            customers::table,
        >,
        contacts::table,
    >,
    db::Backend,
>;

/// The organisation's meetings that `filter` lets through (without a
/// period: the upcoming ones, not yet ended at `now`).
fn filtered<'a>(org: &'a str, now: NaiveDateTime, filter: &Filter) -> Boxed<'a> {
    let mut q = joined!()
        .filter(meetings::organization_id.eq(org))
        .into_boxed();
    if let Some(e) = &filter.employee_id {
        q = q.filter(meetings::employee_id.eq(e.clone()));
    }
    if let Some(l) = &filter.location_id {
        q = q.filter(meetings::location_id.eq(l.clone()));
    }
    if let Some(c) = &filter.customer_id {
        q = q.filter(meetings::customer_id.eq(c.clone()));
    }
    match (filter.from, filter.until) {
        (None, None) => q = q.filter(meetings::date_to.ge(now)),
        (from, until) => {
            if let Some(f) = from {
                q = q.filter(meetings::date_to.gt(f));
            }
            if let Some(u) = until {
                q = q.filter(meetings::date_from.lt(u));
            }
        }
    }
    q
}

/// `q` in `page`'s order (the id last, so the order is total).
fn sorted<'a>(q: Boxed<'a>, page: &PageRequest) -> Boxed<'a> {
    match (page.sort, page.desc) {
        ("employee", false) => q.order((
            users::name.asc(),
            meetings::date_from.asc(),
            meetings::id.asc(),
        )),
        ("employee", true) => q.order((
            users::name.desc(),
            meetings::date_from.desc(),
            meetings::id.desc(),
        )),
        // Without a location last when ascending (first when descending),
        // on both backends.
        ("location", false) => q.order((
            locations::name.nullable().is_null().asc(),
            locations::name.nullable().asc(),
            meetings::date_from.asc(),
            meetings::id.asc(),
        )),
        ("location", true) => q.order((
            locations::name.nullable().is_null().desc(),
            locations::name.nullable().desc(),
            meetings::date_from.desc(),
            meetings::id.desc(),
        )),
        (_, false) => q.order((meetings::date_from.asc(), meetings::id.asc())),
        (_, true) => q.order((meetings::date_from.desc(), meetings::id.desc())),
    }
}

/// Every meeting `filter` lets through, in `page`'s order (its page and
/// size ignored), a chunk at a time to `each`; audited
/// (`meeting.exported`, with the filter and the row count) before the
/// first row is read.
pub fn export(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    filter: &Filter,
    page: &PageRequest,
    each: export::Each<'_, MeetingRow>,
) -> Result<u64, AppError> {
    actor.require(Operation::MeetingList)?;
    let org = actor.organization_id.as_str();
    let asked = export::filter_of(
        page,
        &[
            ("employee", filter.employee_id.clone()),
            ("location", filter.location_id.clone()),
            ("customer", filter.customer_id.clone()),
            ("from", filter.from.map(iso_utc)),
            ("until", filter.until.map(iso_utc)),
        ],
    );
    export::audited(
        conn,
        now,
        actor,
        "meeting.exported",
        "meeting",
        &asked,
        |c| filtered(org, now, filter).count().get_result(c),
    )?;
    export::in_chunks(
        conn,
        export::CHUNK,
        |c, offset, limit| {
            Ok(sorted(filtered(org, now, filter), page)
                .limit(limit)
                .offset(offset)
                .select(row_columns!())
                .load::<Joined>(c)?
                .into_iter()
                .map(row)
                .collect())
        },
        each,
    )
}

/// The longest a meeting may last, in days. It also bounds the range scans
/// of the week view and the overlap check: a meeting that ends after a
/// moment started at most this long before it.
pub const MAX_DAYS: i64 = 7;

fn max_duration() -> chrono::Duration {
    chrono::Duration::days(MAX_DAYS)
}

/// The meetings that touch `[start, end)` (UTC), for the week view, of
/// the employee and at the location `filter` names (its period is ignored).
pub fn week(
    conn: &mut DbConn,
    actor: &Actor,
    start: NaiveDateTime,
    end: NaiveDateTime,
    filter: &Filter,
) -> Result<Vec<MeetingRow>, AppError> {
    actor.require(Operation::MeetingList)?;
    let mut q = joined!()
        .filter(meetings::organization_id.eq(&actor.organization_id))
        .filter(meetings::date_from.ge(start - max_duration()))
        .filter(meetings::date_from.lt(end))
        .filter(meetings::date_to.gt(start))
        .into_boxed();
    if let Some(e) = &filter.employee_id {
        q = q.filter(meetings::employee_id.eq(e.clone()));
    }
    if let Some(l) = &filter.location_id {
        q = q.filter(meetings::location_id.eq(l.clone()));
    }
    Ok(q.order((meetings::date_from.asc(), meetings::id.asc()))
        .select(row_columns!())
        .load::<Joined>(conn)?
        .into_iter()
        .map(row)
        .collect())
}

fn overlaps_of(
    conn: &mut DbConn,
    org: &str,
    employee_id: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
    except: Option<&str>,
) -> QueryResult<Vec<MeetingRow>> {
    let mut q = joined!()
        .filter(meetings::organization_id.eq(org))
        .filter(meetings::employee_id.eq(employee_id))
        .filter(meetings::date_from.ge(from - max_duration()))
        .filter(meetings::date_from.lt(to))
        .filter(meetings::date_to.gt(from))
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(meetings::id.ne(id));
    }
    Ok(q.order((meetings::date_from.asc(), meetings::id.asc()))
        .select(row_columns!())
        .load::<Joined>(conn)?
        .into_iter()
        .map(row)
        .collect())
}

/// The employee's other meetings that overlap `[from, to)` (a meeting that
/// ends when another starts does not overlap), leaving out `except`.
pub fn overlapping(
    conn: &mut DbConn,
    actor: &Actor,
    employee_id: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
    except: Option<&str>,
) -> Result<Vec<MeetingRow>, AppError> {
    actor.require(Operation::MeetingList)?;
    Ok(overlaps_of(
        conn,
        &actor.organization_id,
        employee_id,
        from,
        to,
        except,
    )?)
}

fn find(conn: &mut DbConn, org: &str, id: &str) -> Result<MeetingRow, AppError> {
    Ok(row(joined!()
        .filter(meetings::organization_id.eq(org))
        .filter(meetings::id.eq(id))
        .select(row_columns!())
        .first::<Joined>(conn)?))
}

/// One meeting of the actor's organisation (another's answers 404).
pub fn get(conn: &mut DbConn, actor: &Actor, id: &str) -> Result<MeetingRow, AppError> {
    actor.require(Operation::MeetingGet)?;
    find(conn, &actor.organization_id, id)
}

/// The organisation's members a meeting can be for: `(user id, name)` by name.
pub fn employee_choices(
    conn: &mut DbConn,
    actor: &Actor,
) -> Result<Vec<(String, String)>, AppError> {
    actor.require(Operation::MeetingList)?;
    Ok(memberships::table
        .inner_join(users::table)
        .filter(memberships::organization_id.eq(&actor.organization_id))
        .order((users::name.asc(), users::id.asc()))
        .select((users::id, users::name))
        .load(conn)?)
}

/// The most choices of one kind a select offers at once. Past it the
/// screens add a search that narrows them: an organisation with 20,000
/// customers does not get a form of megabytes.
pub const MAX_OFFERED: usize = 100;

/// What a select offers: the first [`MAX_OFFERED`] that match, always with
/// the chosen one, and whether more match than are offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offered<T> {
    pub items: Vec<T>,
    pub more: bool,
}

impl<T> Default for Offered<T> {
    fn default() -> Self {
        Offered {
            items: vec![],
            more: false,
        }
    }
}

impl<T> Offered<T> {
    /// `items` as read with a limit of one past [`MAX_OFFERED`].
    fn of(mut items: Vec<T>) -> Self {
        let more = items.len() > MAX_OFFERED;
        items.truncate(MAX_OFFERED);
        Offered { items, more }
    }
}

/// A search for choices as typed, bounded as the lists' searches are:
/// control characters dropped, trimmed, at most 100 characters; `None`
/// when nothing is left.
pub fn choice_term(q: Option<&str>) -> Option<String> {
    let q: String = q?.chars().filter(|c| !c.is_control()).collect();
    let q = q.trim();
    (!q.is_empty()).then(|| q.chars().take(100).collect())
}

/// `(id, name)` choices: the first [`MAX_OFFERED`] by name whose name (or
/// city, or e-mail: what the list's search looks in) holds `term`, and the
/// chosen row first when it is not among them.
macro_rules! offered {
    ($conn:expr, $actor:expr, $table:ident, $search:expr, $term:expr, $chosen:expr) => {{
        let (conn, org, term, chosen): (&mut DbConn, &str, Option<&str>, Option<&str>) =
            ($conn, &$actor.organization_id, $term, $chosen);
        let q = $table::table.into_boxed();
        let q = match choice_term(term) {
            Some(term) => q.filter(db::search::in_tenant($search, org, &term)),
            None => q.filter($table::organization_id.eq(org)),
        };
        let mut offered = Offered::of(
            q.order(($table::name.asc(), $table::id.asc()))
                .limit(MAX_OFFERED as i64 + 1)
                .select(($table::id, $table::name))
                .load::<(String, String)>(conn)?,
        );
        if let Some(id) = chosen
            && !offered.items.iter().any(|(i, _)| i == id)
            && let Some(row) = $table::table
                .filter($table::organization_id.eq(org))
                .filter($table::id.eq(id))
                .select(($table::id, $table::name))
                .first::<(String, String)>(conn)
                .optional()?
        {
            offered.items.insert(0, row);
        }
        offered
    }};
}

/// The organisation's locations a select offers (see [`Offered`]): those
/// whose name or city holds `term` (all without one), by name, with
/// `chosen`.
pub fn location_choices(
    conn: &mut DbConn,
    actor: &Actor,
    term: Option<&str>,
    chosen: Option<&str>,
) -> Result<Offered<(String, String)>, AppError> {
    actor.require(Operation::MeetingList)?;
    Ok(offered!(
        conn,
        actor,
        locations,
        &crate::domain::locations::SEARCH,
        term,
        chosen
    ))
}

/// The organisation's customers a select offers (see [`Offered`]): those
/// whose name or e-mail holds `term` (all without one), by name, with
/// `chosen`.
pub fn customer_choices(
    conn: &mut DbConn,
    actor: &Actor,
    term: Option<&str>,
    chosen: Option<&str>,
) -> Result<Offered<(String, String)>, AppError> {
    actor.require(Operation::MeetingList)?;
    Ok(offered!(
        conn,
        actor,
        customers,
        &crate::domain::customers::SEARCH,
        term,
        chosen
    ))
}

/// A contact a meeting can be with, and its customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactChoice {
    pub id: String,
    /// First and last name.
    pub name: String,
    pub customer_id: String,
    pub customer_name: String,
}

/// The contacts of `customer` a meeting can be with, by customer and then
/// by last and first name; without a customer, every customer's, unless
/// there are more than [`MAX_OFFERED`]: then none, and `more` (choosing the
/// customer offers its own). Another organisation's customer has none.
pub fn contact_choices(
    conn: &mut DbConn,
    actor: &Actor,
    customer: Option<&str>,
) -> Result<Offered<ContactChoice>, AppError> {
    actor.require(Operation::MeetingList)?;
    let mut q = contacts::table
        .inner_join(customers::table)
        .filter(contacts::organization_id.eq(&actor.organization_id))
        .filter(customers::organization_id.eq(&actor.organization_id))
        .into_boxed();
    match customer {
        Some(c) => q = q.filter(contacts::customer_id.eq(c.to_string())),
        None => {
            // Through the customers (by their index on the organisation,
            // then the contacts' on the customer): a short walk however
            // many contacts other organisations have.
            let some: Vec<String> = contacts::table
                .inner_join(customers::table)
                .filter(customers::organization_id.eq(&actor.organization_id))
                .filter(contacts::organization_id.eq(&actor.organization_id))
                .select(contacts::id)
                .limit(MAX_OFFERED as i64 + 1)
                .load(conn)?;
            if some.len() > MAX_OFFERED {
                return Ok(Offered {
                    items: vec![],
                    more: true,
                });
            }
        }
    }
    let all = q
        .order((
            customers::name.asc(),
            customers::id.asc(),
            contacts::lastname.asc(),
            contacts::firstname.asc(),
            contacts::id.asc(),
        ))
        .select((
            contacts::id,
            contacts::firstname,
            contacts::lastname,
            customers::id,
            customers::name,
        ))
        .load::<(String, String, String, String, String)>(conn)?
        .into_iter()
        .map(
            |(id, first, last, customer_id, customer_name)| ContactChoice {
                id,
                name: format!("{first} {last}"),
                customer_id,
                customer_name,
            },
        )
        .collect();
    Ok(Offered {
        items: all,
        more: false,
    })
}

/// Whose meetings [`upcoming`] lists.
#[derive(Debug, Clone, Copy)]
pub enum With<'a> {
    /// A customer's (by id).
    Customer(&'a str),
    /// Those at a location (by id).
    Location(&'a str),
}

/// The next `limit` meetings of a customer or at a location that have not
/// ended at `now`, earliest first: one query on the
/// `(organisation, customer or location, date_from)` index (a meeting lasts
/// at most [`MAX_DAYS`], which bounds the scan).
pub fn upcoming(
    conn: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    with: With<'_>,
    limit: i64,
) -> Result<Vec<MeetingRow>, AppError> {
    actor.require(Operation::MeetingList)?;
    let mut q = joined!()
        .filter(meetings::organization_id.eq(&actor.organization_id))
        .filter(meetings::date_from.ge(now - max_duration()))
        .filter(meetings::date_to.ge(now))
        .into_boxed();
    q = match with {
        With::Customer(c) => q.filter(meetings::customer_id.eq(c.to_string())),
        With::Location(l) => q.filter(meetings::location_id.eq(l.to_string())),
    };
    Ok(q.order((meetings::date_from.asc(), meetings::id.asc()))
        .limit(limit)
        .select(row_columns!())
        .load::<Joined>(conn)?
        .into_iter()
        .map(row)
        .collect())
}

// ---------------------------------------------------------------- writing

/// What a create or an edit came to.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Saved. `overlaps` are the employee's other meetings at that time
    /// (saved anyway because the caller allowed it).
    Saved {
        meeting: Box<MeetingRow>,
        overlaps: Vec<MeetingRow>,
    },
    /// Not saved: the employee already has these meetings at that time.
    /// Saving again with the overlap allowed goes ahead.
    Overlaps(Vec<MeetingRow>),
}

/// Store a checked meeting under `id` (new, or back after an undo).
fn insert(
    conn: &mut DbConn,
    now: NaiveDateTime,
    org: &str,
    id: &str,
    v: &ValidMeeting,
) -> QueryResult<usize> {
    diesel::insert_into(meetings::table)
        .values((
            meetings::id.eq(id),
            meetings::organization_id.eq(org),
            meetings::employee_id.eq(&v.employee_id),
            meetings::location_id.eq(v.location_id.as_deref()),
            meetings::customer_id.eq(v.customer_id.as_deref()),
            meetings::contact_id.eq(v.contact_id.as_deref()),
            meetings::date_from.eq(v.date_from),
            meetings::date_to.eq(v.date_to),
            meetings::notes.eq(&v.notes),
            meetings::subject.eq(&v.subject),
            meetings::created_at.eq(now),
            meetings::updated_at.eq(now),
        ))
        .execute(conn)
}

/// Create a meeting (times local to `tz`); audited. With overlapping
/// meetings it saves only when `allow_overlap` is set.
pub fn create(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    tz: Tz,
    input: &MeetingInput,
    allow_overlap: bool,
) -> Result<Outcome, AppError> {
    actor.require(Operation::MeetingCreate)?;
    let org = actor.organization_id.clone();
    db::write(conn, |conn| {
        let v = check(conn, &org, tz, input)?;
        let overlaps = overlaps_of(conn, &org, &v.employee_id, v.date_from, v.date_to, None)?;
        if !overlaps.is_empty() && !allow_overlap {
            return Ok(Outcome::Overlaps(overlaps));
        }
        let id = new_id();
        insert(conn, now, &org, &id, &v)?;
        let after = find(conn, &org, &id)?;
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(Some(&org), "meeting.created", "meeting", Some(&id))
                .values(None::<&()>, Some(&after.view())),
        )?;
        Ok(Outcome::Saved {
            meeting: Box::new(after),
            overlaps,
        })
    })
}

/// Save an edit with a version check (stale → 409); audited. Overlaps as
/// for [`create`], never counting the meeting itself.
pub fn update(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    tz: Tz,
    id: &str,
    input: &MeetingInput,
    allow_overlap: bool,
) -> Result<Outcome, AppError> {
    actor.require(Operation::MeetingUpdate)?;
    let org = actor.organization_id.clone();
    db::write(conn, |conn| {
        let before = find(conn, &org, id)?;
        let v = check(conn, &org, tz, input)?;
        if before.meeting.version != input.version {
            return Err(AppError::Conflict);
        }
        let overlaps = overlaps_of(conn, &org, &v.employee_id, v.date_from, v.date_to, Some(id))?;
        if !overlaps.is_empty() && !allow_overlap {
            return Ok(Outcome::Overlaps(overlaps));
        }
        diesel::update(
            meetings::table
                .filter(meetings::organization_id.eq(&org))
                .filter(meetings::id.eq(id)),
        )
        .set((
            meetings::employee_id.eq(&v.employee_id),
            meetings::location_id.eq(v.location_id.as_deref()),
            meetings::customer_id.eq(v.customer_id.as_deref()),
            meetings::contact_id.eq(v.contact_id.as_deref()),
            meetings::date_from.eq(v.date_from),
            meetings::date_to.eq(v.date_to),
            meetings::notes.eq(&v.notes),
            meetings::subject.eq(&v.subject),
            meetings::version.eq(before.meeting.version + 1),
            meetings::updated_at.eq(now),
        ))
        .execute(conn)?;
        let after = find(conn, &org, id)?;
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(Some(&org), "meeting.updated", "meeting", Some(id))
                .values(Some(&before.view()), Some(&after.view())),
        )?;
        Ok(Outcome::Saved {
            meeting: Box::new(after),
            overlaps,
        })
    })
}

/// Delete a meeting (admins); audited with the values it had.
pub fn delete(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    id: &str,
) -> Result<MeetingRow, AppError> {
    actor.require(Operation::MeetingDelete)?;
    let org = actor.organization_id.clone();
    db::write(conn, |conn| {
        let before = find(conn, &org, id)?;
        diesel::delete(
            meetings::table
                .filter(meetings::organization_id.eq(&org))
                .filter(meetings::id.eq(id)),
        )
        .execute(conn)?;
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(Some(&org), "meeting.deleted", "meeting", Some(id))
                .values(Some(&before.view()), None::<&()>),
        )?;
        Ok(before)
    })
}

/// What the audit log kept of a deleted meeting (see [`MeetingView`]).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KeptMeeting {
    #[serde(default)]
    subject: String,
    employee_id: String,
    location_id: Option<String>,
    #[serde(default)]
    customer_id: Option<String>,
    #[serde(default)]
    contact_id: Option<String>,
    date_from: String,
    date_to: String,
    #[serde(default)]
    notes: String,
}

/// Undo the actor's newest deletion of a meeting in the last
/// [`audit::UNDO_MINUTES`]: the meeting comes back with its id, so its audit
/// trail reads on (created, …, deleted, restored); without its location,
/// customer or contact when that has gone since. `None` when there is nothing to undo: nothing
/// deleted, already back, or its employee no longer a member. Audited.
pub fn undo_delete(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
) -> Result<Option<MeetingRow>, AppError> {
    actor.require(Operation::MeetingDelete)?;
    let org = actor.organization_id.clone();
    let who = actor.audit();
    db::write(conn, |conn| {
        let Some((id, before)) = audit::undoable(conn, now, &org, &who, "meeting.deleted")? else {
            return Ok(None);
        };
        let Ok(kept) = serde_json::from_value::<KeptMeeting>(before) else {
            return Ok(None);
        };
        let (Some(from), Some(to)) = (parse_iso_utc(&kept.date_from), parse_iso_utc(&kept.date_to))
        else {
            return Ok(None);
        };
        let back: i64 = meetings::table
            .filter(meetings::id.eq(&id))
            .count()
            .get_result(conn)?;
        let member: i64 = memberships::table
            .filter(memberships::organization_id.eq(&org))
            .filter(memberships::user_id.eq(&kept.employee_id))
            .count()
            .get_result(conn)?;
        if back > 0 || member == 0 {
            return Ok(None);
        }
        let location = match kept.location_id {
            Some(l) => locations::table
                .filter(locations::organization_id.eq(&org))
                .filter(locations::id.eq(&l))
                .select(locations::id)
                .first::<String>(conn)
                .optional()?,
            None => None,
        };
        let customer = match kept.customer_id {
            Some(c) if is_customer(conn, &org, &c)? => Some(c),
            _ => None,
        };
        // The contact only with the customer it belongs to.
        let contact = match (&customer, kept.contact_id) {
            (Some(c), Some(k)) => {
                customer_of_contact(conn, &org, &k)?.and_then(|of| (&of == c).then_some(k))
            }
            _ => None,
        };
        let back = ValidMeeting {
            subject: kept.subject,
            employee_id: kept.employee_id,
            location_id: location,
            customer_id: customer,
            contact_id: contact,
            date_from: from,
            date_to: to,
            notes: kept.notes,
        };
        insert(conn, now, &org, &id, &back)?;
        let after = find(conn, &org, &id)?;
        audit::record(
            conn,
            now,
            &who,
            Event::new(Some(&org), "meeting.restored", "meeting", Some(&id))
                .values(None::<&()>, Some(&after.view())),
        )?;
        Ok(Some(after))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::local_time::utc_to_local;

    const AMS: Tz = chrono_tz::Europe::Amsterdam;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn input(from: &str, to: &str) -> MeetingInput {
        MeetingInput {
            employee_id: "u1".into(),
            date_from: from.into(),
            date_to: to.into(),
            ..Default::default()
        }
    }

    #[test]
    fn local_times_become_utc() {
        let v = validate(&input("2026-11-23T14:05", "2026-11-23T15:00"), AMS).unwrap();
        assert_eq!(v.date_from, at("2026-11-23 13:05"));
        assert_eq!(v.date_to, at("2026-11-23 14:00"));
        // Summer time: two hours ahead.
        let v = validate(&input("2026-07-01T09:00", "2026-07-01T10:00:00"), AMS).unwrap();
        assert_eq!(v.date_from, at("2026-07-01 07:00"));
    }

    #[test]
    fn across_the_autumn_change() {
        // 01:30 is still summer time, 03:30 already winter time: three hours.
        let v = validate(&input("2026-10-25T01:30", "2026-10-25T03:30"), AMS).unwrap();
        assert_eq!(v.date_from, at("2026-10-24 23:30"));
        assert_eq!(v.date_to, at("2026-10-25 02:30"));
        assert_eq!(utc_to_local(AMS, v.date_from), at("2026-10-25 01:30"));
        assert_eq!(utc_to_local(AMS, v.date_to), at("2026-10-25 03:30"));
        // 02:30 happens twice: the first (summer time) is meant.
        assert_eq!(
            local_to_utc(AMS, at("2026-10-25 02:30")),
            Ok(at("2026-10-25 00:30"))
        );
    }

    #[test]
    fn the_spring_gap_does_not_exist() {
        let e = validate(&input("2026-03-29T02:30", "2026-03-29T04:00"), AMS).unwrap_err();
        assert_eq!(e.get("date_from"), Some(&ErrorCode::NonexistentLocalTime));
        assert_eq!(e.get("date_to"), None);
    }

    #[test]
    fn every_rule() {
        let e = validate(
            &MeetingInput {
                notes: "x".repeat(MAX_NOTES + 1),
                ..Default::default()
            },
            AMS,
        )
        .unwrap_err();
        assert_eq!(e.get("employee_id"), Some(&ErrorCode::Required));
        assert_eq!(e.get("date_from"), Some(&ErrorCode::Required));
        assert_eq!(e.get("date_to"), Some(&ErrorCode::Required));
        assert_eq!(e.get("notes"), Some(&ErrorCode::TooLong(MAX_NOTES)));
        let e = validate(&input("morgen", "2026-13-01T10:00"), AMS).unwrap_err();
        assert_eq!(e.get("date_from"), Some(&ErrorCode::InvalidDateTime));
        assert_eq!(e.get("date_to"), Some(&ErrorCode::InvalidDateTime));
        for to in ["2026-11-23T10:00", "2026-11-23T09:00"] {
            let e = validate(&input("2026-11-23T10:00", to), AMS).unwrap_err();
            assert_eq!(e.get("date_to"), Some(&ErrorCode::EndBeforeStart), "{to}");
        }
        let ok = validate(
            &MeetingInput {
                location_id: Some("  ".into()),
                notes: format!("  {}  ", "y".repeat(MAX_NOTES)),
                ..input("2026-11-23T10:00", "2026-11-23T10:01")
            },
            AMS,
        )
        .unwrap();
        assert_eq!(ok.location_id, None);
        assert_eq!(ok.notes.len(), MAX_NOTES);
    }
}
