//! The meeting form (create and edit, the customer and its contact, the
//! overlap warning with "save anyway", the stale-edit page) and deleting
//! after a confirmation.

use super::*;

// ---------------------------------------------------------------- form

/// Where the form was opened from, and where saving returns to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Back {
    List,
    Week,
}

impl Back {
    fn parse(v: Option<&str>) -> Self {
        if v == Some("week") {
            Back::Week
        } else {
            Back::List
        }
    }

    fn key(self) -> &'static str {
        match self {
            Back::List => "list",
            Back::Week => "week",
        }
    }

    /// What an address carries to keep the way back ("" for the list).
    fn query(self) -> &'static str {
        match self {
            Back::List => "",
            Back::Week => "?back=week",
        }
    }

    /// The list, or the week of `local` (a local time typed or stored).
    fn href(self, local: Option<NaiveDateTime>) -> String {
        match (self, local) {
            (Back::List, _) => BASE.to_string(),
            (Back::Week, Some(t)) => format!("{WEEK}?date={}", t.date()),
            (Back::Week, None) => WEEK.to_string(),
        }
    }
}

#[derive(Deserialize)]
pub(super) struct MeetingForm {
    #[serde(default)]
    pub(super) subject: String,
    #[serde(default)]
    pub(super) employee_id: String,
    #[serde(default)]
    pub(super) location_id: String,
    #[serde(default)]
    pub(super) customer_id: String,
    #[serde(default)]
    pub(super) contact_id: String,
    #[serde(default)]
    pub(super) date_from: String,
    #[serde(default)]
    pub(super) date_to: String,
    #[serde(default)]
    pub(super) notes: String,
    #[serde(default)]
    pub(super) version: String,
    #[serde(default)]
    pub(super) confirm_overlap: String,
    #[serde(default)]
    pub(super) back: String,
}

impl MeetingForm {
    fn input(&self) -> MeetingInput {
        MeetingInput {
            subject: self.subject.clone(),
            employee_id: self.employee_id.clone(),
            location_id: Some(self.location_id.clone()).filter(|l| !l.trim().is_empty()),
            customer_id: Some(self.customer_id.clone()).filter(|c| !c.trim().is_empty()),
            contact_id: Some(self.contact_id.clone()).filter(|c| !c.trim().is_empty()),
            date_from: self.date_from.clone(),
            date_to: self.date_to.clone(),
            notes: self.notes.clone(),
            version: self.version.trim().parse().unwrap_or(-1),
        }
    }
}

pub(super) struct OverlapView {
    pub(super) who: String,
    pub(super) when: String,
    pub(super) location: Option<String>,
}

pub(super) struct StaleView {
    pub(super) subject: String,
    pub(super) employee: String,
    pub(super) when: String,
    pub(super) location: String,
    pub(super) customer: String,
    pub(super) notes: String,
}

/// The customers and contacts a meeting can be with.
pub(super) struct Parties {
    /// The customers offered, the chosen one among them.
    pub(super) customers: meetings::Offered<(String, String)>,
    /// The chosen customer's contacts, or every customer's when none is
    /// (none, and `more`, when they are too many).
    pub(super) contacts: meetings::Offered<ContactChoice>,
}

/// Read the customers offered (with `customer`) and the contacts of
/// `customer` (of all, when `None`).
pub(super) fn read_parties(
    conn: &mut crate::db::DbConn,
    actor: &Actor,
    customer: Option<&str>,
) -> Result<Parties, AppError> {
    // Without the customers module the form keeps a stored customer as it
    // is (hidden) and offers none.
    if !actor.can(Operation::CustomerList) {
        return Ok(Parties {
            customers: meetings::Offered::default(),
            contacts: meetings::Offered::default(),
        });
    }
    Ok(Parties {
        customers: meetings::customer_choices(conn, actor, None, customer)?,
        contacts: meetings::contact_choices(conn, actor, customer)?,
    })
}

pub(super) async fn load_parties(
    state: &AppState,
    m: &Member,
    customer: Option<&str>,
) -> Result<Parties, AppError> {
    let (actor, customer) = (m.actor.clone(), customer.map(str::to_string));
    state
        .db(move |conn| read_parties(conn, &actor, customer.as_deref()))
        .await
}

/// One `<optgroup>` of the contact select (no group: `label` is `None`).
pub(super) struct ContactGroup {
    pub(super) label: Option<String>,
    pub(super) options: Vec<Choice>,
}

/// The contact select: the chosen customer's contacts, or, before a
/// customer is chosen, every contact grouped by customer (so the form works
/// without JavaScript; with htmx a change of customer reloads it).
pub(super) struct ContactSelect {
    pub(super) groups: Vec<ContactGroup>,
    /// Too many contacts to offer without a customer: the hint asks for
    /// one first.
    pub(super) choose_customer: bool,
    pub(super) error: Option<String>,
    pub(super) focus: bool,
}

impl ContactSelect {
    pub(super) fn of(
        offered: &meetings::Offered<ContactChoice>,
        customer: Option<&str>,
        selected: Option<&str>,
    ) -> Self {
        let mut groups: Vec<ContactGroup> = vec![];
        for c in &offered.items {
            let choice = Choice {
                value: c.id.clone(),
                label: c.name.clone(),
                selected: selected == Some(c.id.as_str()),
            };
            let label = customer.is_none().then(|| c.customer_name.clone());
            match groups.last_mut() {
                Some(g) if customer.is_some() || g.label == label => g.options.push(choice),
                _ => groups.push(ContactGroup {
                    label,
                    options: vec![choice],
                }),
            }
        }
        Self {
            groups,
            choose_customer: offered.more,
            error: None,
            focus: false,
        }
    }
}

/// The contact select alone: the htmx answer to a change of customer.
#[derive(Template)]
#[template(path = "meetings/_contact_select.html")]
pub(super) struct ContactSelectHtml<'a> {
    pub(super) t: &'static Messages,
    pub(super) contact: &'a ContactSelect,
}

#[derive(Template)]
#[template(path = "meetings/form.html")]
pub(super) struct FormPage {
    pub(super) l: LayoutCtx,
    pub(super) title: &'static str,
    pub(super) action: String,
    pub(super) cancel: String,
    pub(super) back: &'static str,
    pub(super) version: i32,
    pub(super) subject: Field,
    pub(super) employees: Vec<Choice>,
    pub(super) employee_error: Option<String>,
    pub(super) employee_focus: bool,
    pub(super) locations: Vec<Choice>,
    pub(super) location_search: Option<ChoiceSearch>,
    pub(super) location_error: Option<String>,
    pub(super) location_focus: bool,
    pub(super) customers: Vec<Choice>,
    pub(super) customer_search: Option<ChoiceSearch>,
    pub(super) customer_error: Option<String>,
    pub(super) customer_focus: bool,
    /// The stored customer's page: (address, link text).
    pub(super) customer_link: Option<(String, String)>,
    pub(super) contact: ContactSelect,
    /// The customers module is on: the customer and contact selects show;
    /// else the stored ones travel as hidden fields.
    pub(super) with_customers: bool,
    pub(super) hidden_customer: String,
    pub(super) hidden_contact: String,
    pub(super) date_from: Field,
    pub(super) date_to: Field,
    pub(super) notes: Field,
    pub(super) times_in: String,
    pub(super) overlaps: Vec<OverlapView>,
    pub(super) stale: Option<StaleView>,
    pub(super) delete_href: Option<String>,
}

pub(super) fn form_page(
    m: &Member,
    editing: Option<&MeetingRow>,
    input: &MeetingInput,
    options: &Choices,
    parties: &Parties,
    back: Back,
) -> FormPage {
    let l = LayoutCtx::new(m, Nav::Meetings);
    let t = l.t;
    let id = editing.map(|r| r.meeting.id.clone());
    FormPage {
        title: if editing.is_some() {
            t.meet_edit_title
        } else {
            t.meet_new
        },
        action: id
            .as_ref()
            .map_or_else(|| BASE.to_string(), |id| format!("{BASE}/{id}")),
        cancel: back.href(parse_local(&input.date_from)),
        back: back.key(),
        version: input.version,
        // A new meeting starts with what it is about.
        subject: {
            let f = Field::new("subject", t.meet_subject, input.subject.trim())
                .hint(t.meet_subject_hint)
                .max(meetings::MAX_SUBJECT);
            if editing.is_none() { f.focus() } else { f }
        },
        employees: choices(&options.employees, Some(input.employee_id.trim())),
        employee_error: None,
        employee_focus: false,
        locations: choices(&options.locations.items, input.location_id.as_deref()),
        location_search: choice_search(
            t,
            "location_id",
            t.meet_find_location,
            options.locations.more,
            None,
        ),
        location_error: None,
        location_focus: false,
        customers: choices(&parties.customers.items, input.customer_id.as_deref()),
        customer_search: choice_search(
            t,
            "customer_id",
            t.meet_find_customer,
            parties.customers.more,
            None,
        ),
        customer_error: None,
        customer_focus: false,
        customer_link: editing.and_then(|r| {
            let id = r.meeting.customer_id.as_ref()?;
            let name = r.customer_name.as_deref()?;
            Some((
                format!("/customers/{id}"),
                fill(t.meet_view_customer, &[&name]),
            ))
        }),
        contact: ContactSelect::of(
            &parties.contacts,
            input.customer_id.as_deref(),
            input.contact_id.as_deref(),
        ),
        with_customers: m.actor.can(Operation::CustomerList),
        hidden_customer: input.customer_id.clone().unwrap_or_default(),
        hidden_contact: input.contact_id.clone().unwrap_or_default(),
        date_from: Field::new("date_from", t.meet_from, input.date_from.trim())
            .kind("datetime-local")
            .required(),
        date_to: Field::new("date_to", t.meet_to, input.date_to.trim())
            .kind("datetime-local")
            .required(),
        notes: Field::new("notes", t.meet_notes, &input.notes)
            .kind("textarea")
            .max(meetings::MAX_NOTES),
        times_in: fill(t.meet_times_in, &[&m.tz.name()]),
        overlaps: vec![],
        stale: None,
        delete_href: id
            .filter(|_| m.actor.can(Operation::MeetingDelete))
            .map(|id| format!("{BASE}/{id}/delete{}", back.query())),
        l,
    }
}

pub(super) fn with_errors(mut p: FormPage, errors: &FieldErrors) -> FormPage {
    let t = p.l.t;
    apply_errors(
        &mut p.l.errors,
        &mut [
            &mut p.subject,
            &mut p.date_from,
            &mut p.date_to,
            &mut p.notes,
        ],
        errors,
        t,
    );
    p.employee_error = errors.get("employee_id").map(|c| c.message(t));
    p.location_error = errors.get("location_id").map(|c| c.message(t));
    p.customer_error = errors.get("customer_id").map(|c| c.message(t));
    p.contact.error = errors.get("contact_id").map(|c| c.message(t));
    let order = [
        ("subject", ""),
        ("employee_id", t.meet_employee),
        ("date_from", ""),
        ("date_to", ""),
        ("location_id", t.meet_location),
        ("customer_id", t.meet_customer),
        ("contact_id", t.meet_contact),
        ("notes", ""),
    ];
    order_summary(&mut p.l.errors, &order);
    // Focus the first field with an error, in the order of the form.
    let first = order
        .into_iter()
        .map(|(name, _)| name)
        .find(|f| errors.get(f).is_some());
    p.employee_focus = first == Some("employee_id");
    p.location_focus = first == Some("location_id");
    p.customer_focus = first == Some("customer_id");
    p.contact.focus = first == Some("contact_id");
    for f in [
        &mut p.subject,
        &mut p.date_from,
        &mut p.date_to,
        &mut p.notes,
    ] {
        f.autofocus = first == Some(f.name);
    }
    p
}

pub(super) fn overlap_view(lang: Lang, tz: Tz, r: &MeetingRow) -> OverlapView {
    OverlapView {
        who: r.employee_name.clone(),
        when: range(lang, tz, r.meeting.date_from, r.meeting.date_to),
        location: r.location_name.clone(),
    }
}

pub(super) fn input_of(tz: Tz, r: &MeetingRow) -> MeetingInput {
    MeetingInput {
        subject: r.meeting.subject.clone(),
        employee_id: r.meeting.employee_id.clone(),
        location_id: r.meeting.location_id.clone(),
        customer_id: r.meeting.customer_id.clone(),
        contact_id: r.meeting.contact_id.clone(),
        date_from: input_value(utc_to_local(tz, r.meeting.date_from)),
        date_to: input_value(utc_to_local(tz, r.meeting.date_to)),
        notes: r.meeting.notes.clone(),
        version: r.meeting.version,
    }
}

#[derive(Deserialize, Default)]
pub(super) struct NewQuery {
    pub(super) start: Option<String>,
    pub(super) back: Option<String>,
}

pub(super) async fn new_form(
    m: Member,
    state: web::Data<AppState>,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::MeetingCreate)?;
    // From a free hour of the week view, or the next whole hour.
    let start = query
        .start
        .as_deref()
        .and_then(parse_local)
        .unwrap_or_else(|| {
            let now = utc_to_local(m.tz, state.clock.now());
            now.date().and_hms_opt(now.hour(), 0, 0).unwrap_or(now) + Duration::hours(1)
        });
    let options = load_choices(&state, &m, None).await?;
    let parties = load_parties(&state, &m, None).await?;
    // Most people plan their own meetings: themselves, when they can be chosen.
    let me = options
        .employees
        .iter()
        .find(|(id, _)| *id == m.user.id)
        .map(|(id, _)| id.clone())
        .unwrap_or_default();
    let input = MeetingInput {
        subject: String::new(),
        employee_id: me,
        location_id: None,
        customer_id: None,
        contact_id: None,
        date_from: input_value(start),
        date_to: input_value(start + Duration::hours(1)),
        notes: String::new(),
        version: 0,
    };
    let back = Back::parse(query.back.as_deref());
    render(
        StatusCode::OK,
        &form_page(&m, None, &input, &options, &parties, back),
    )
}

#[derive(Deserialize, Default)]
pub(super) struct EditQuery {
    pub(super) back: Option<String>,
}

pub(super) async fn edit_form(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<EditQuery>,
) -> Result<HttpResponse, AppError> {
    let row = load(&state, &m, id.into_inner()).await?;
    let options = load_choices(&state, &m, row.meeting.location_id.clone()).await?;
    let parties = load_parties(&state, &m, row.meeting.customer_id.as_deref()).await?;
    let back = Back::parse(query.back.as_deref());
    render(
        StatusCode::OK,
        &form_page(
            &m,
            Some(&row),
            &input_of(m.tz, &row),
            &options,
            &parties,
            back,
        ),
    )
}

/// The answer to a save: a redirect, the overlap warning, the form with its
/// errors (422) or the stale-edit page (409), always keeping the input.
pub(super) async fn answer(
    m: &Member,
    state: &AppState,
    result: Result<Outcome, AppError>,
    editing: Option<String>,
    input: &MeetingInput,
    back: Back,
) -> Result<HttpResponse, AppError> {
    let (status, overlaps, errors) = match result {
        Ok(Outcome::Saved { meeting, .. }) => {
            let local = utc_to_local(m.tz, meeting.meeting.date_from);
            return Ok(Flash::MeetingSaved.redirect(&back.href(Some(local))));
        }
        Ok(Outcome::Overlaps(list)) => (StatusCode::OK, list, None),
        Err(AppError::Validation(e)) => (StatusCode::UNPROCESSABLE_ENTITY, vec![], Some(e)),
        Err(AppError::Conflict) => (StatusCode::CONFLICT, vec![], None),
        Err(e) => return Err(e),
    };
    let current = match editing {
        Some(id) => Some(load(state, m, id).await?),
        None => None,
    };
    let options = load_choices(state, m, input.location_id.clone()).await?;
    let parties = load_parties(state, m, input.customer_id.as_deref()).await?;
    let mut p = form_page(m, current.as_ref(), input, &options, &parties, back);
    p.overlaps = overlaps
        .iter()
        .map(|r| overlap_view(m.lang, m.tz, r))
        .collect();
    if let Some(e) = &errors {
        p = with_errors(p, e);
    }
    if status == StatusCode::CONFLICT
        && let Some(cur) = &current
    {
        // Keep the input; show what is stored now; a second save is
        // deliberate (it carries the current version).
        p.version = cur.meeting.version;
        p.stale = Some(StaleView {
            subject: cur.meeting.subject.clone(),
            employee: cur.employee_name.clone(),
            when: range(m.lang, m.tz, cur.meeting.date_from, cur.meeting.date_to),
            location: cur.location_name.clone().unwrap_or_default(),
            customer: [cur.customer_name.as_deref(), cur.contact_name.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · "),
            notes: cur.meeting.notes.clone(),
        });
    }
    if !p.overlaps.is_empty() {
        p.employee_focus = false;
    }
    render(status, &p)
}

pub(super) async fn create(
    m: Member,
    state: web::Data<AppState>,
    form: web::Form<MeetingForm>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::MeetingCreate)?;
    let f = form.into_inner();
    let input = f.input();
    let allow = f.confirm_overlap == "1";
    let (now, actor, tz, to_save) = (state.clock.now(), m.actor.clone(), m.tz, input.clone());
    let result = state
        .db(move |conn| meetings::create(conn, now, &actor, tz, &to_save, allow))
        .await;
    answer(&m, &state, result, None, &input, Back::parse(Some(&f.back))).await
}

pub(super) async fn update(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<MeetingForm>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::MeetingUpdate)?;
    let id = id.into_inner();
    let f = form.into_inner();
    let input = f.input();
    let allow = f.confirm_overlap == "1";
    let (now, actor, tz, to_save, which) = (
        state.clock.now(),
        m.actor.clone(),
        m.tz,
        input.clone(),
        id.clone(),
    );
    let result = state
        .db(move |conn| meetings::update(conn, now, &actor, tz, &which, &to_save, allow))
        .await;
    answer(
        &m,
        &state,
        result,
        Some(id),
        &input,
        Back::parse(Some(&f.back)),
    )
    .await
}

#[derive(Deserialize, Default)]
pub(super) struct ContactsQuery {
    #[serde(default)]
    pub(super) customer_id: String,
}

/// The contact select for the chosen customer (every customer's contacts,
/// grouped, when none is chosen): what htmx swaps in when the customer
/// select changes. Another organisation's customer has no contacts here.
pub(super) async fn contact_options(
    m: Member,
    state: web::Data<AppState>,
    query: web::Query<ContactsQuery>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::MeetingList)?;
    let customer = Some(query.customer_id.trim().to_string()).filter(|c| !c.is_empty());
    let (actor, which) = (m.actor.clone(), customer.clone());
    let contacts = state
        .db(move |conn| meetings::contact_choices(conn, &actor, which.as_deref()))
        .await?;
    let contact = ContactSelect::of(&contacts, customer.as_deref(), None);
    let html = crate::web::render_html(&ContactSelectHtml {
        t: m.lang.t(),
        contact: &contact,
    })?;
    Ok(fragment(html))
}

/// The options of a select that a [`ChoiceSearch`] narrows: htmx's answer
/// as the user types. `name` is the select's (`location`, `location_id`,
/// `customer` or `customer_id`); the query holds the search (`{name}_q`)
/// and the chosen value (`{name}`), which stays among the options.
pub(super) async fn choice_options(
    m: Member,
    state: web::Data<AppState>,
    name: web::Path<String>,
    query: web::Query<std::collections::HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::MeetingList)?;
    let t = m.lang.t();
    let name = name.into_inner();
    let (locations, empty) = match name.as_str() {
        "location" => (true, t.meet_all_locations),
        "location_id" => (true, t.meet_no_location),
        "customer" => (false, t.meet_all_customers),
        "customer_id" => (false, t.meet_no_customer),
        _ => return Err(AppError::NotFound),
    };
    // Customers are offered only where they are listed (their module is
    // on), as in the form.
    if !locations {
        m.actor.require(Operation::CustomerList)?;
    }
    let term = query.get(&format!("{name}_q")).cloned();
    let chosen = query
        .get(&name)
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    let (actor, which) = (m.actor.clone(), chosen.clone());
    let offered = state
        .db(move |conn| match locations {
            true => meetings::location_choices(conn, &actor, term.as_deref(), which.as_deref()),
            false => meetings::customer_choices(conn, &actor, term.as_deref(), which.as_deref()),
        })
        .await?;
    let html = crate::web::render_html(&ChoiceOptions {
        empty,
        choices: choices(&offered.items, chosen.as_deref()),
    })?;
    Ok(fragment(html))
}

/// A select's options: the htmx answer to a [`ChoiceSearch`].
#[derive(Template)]
#[template(path = "meetings/_choice_options.html")]
pub(super) struct ChoiceOptions {
    pub(super) empty: &'static str,
    pub(super) choices: Vec<Choice>,
}

// ---------------------------------------------------------------- delete

pub(super) async fn confirm_delete(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<EditQuery>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::MeetingDelete)?;
    let row = load(&state, &m, id.into_inner()).await?;
    let back = Back::parse(query.back.as_deref());
    let l = LayoutCtx::new(&m, Nav::Meetings);
    let t = l.t;
    let id = &row.meeting.id;
    let p = ConfirmPage {
        title: t.meet_delete_title,
        text: fill(
            t.meet_delete_text,
            &[
                &row.employee_name,
                &range(m.lang, m.tz, row.meeting.date_from, row.meeting.date_to),
            ],
        ),
        action: format!("{BASE}/{id}/delete{}", back.query()),
        button: t.meet_delete,
        cancel: format!("{BASE}/{id}{}", back.query()),
        error: None,
        l,
    };
    render(StatusCode::OK, &p)
}

/// Deletes, then returns where the meeting was opened from: the list, or
/// the week it was in.
pub(super) async fn delete(
    m: Member,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<EditQuery>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::MeetingDelete)?;
    let (now, actor, id) = (state.clock.now(), m.actor.clone(), id.into_inner());
    let gone = state
        .db(move |conn| meetings::delete(conn, now, &actor, &id))
        .await?;
    let back = Back::parse(query.back.as_deref());
    let week_of = utc_to_local(m.tz, gone.meeting.date_from);
    Ok(Flash::MeetingDeleted.redirect(&back.href(Some(week_of))))
}

/// The flash's Undo: brings back the meeting this person deleted last (in
/// the last minutes) and returns to the page it was clicked on.
pub(super) async fn undo(
    m: Member,
    state: web::Data<AppState>,
    form: web::Form<UndoForm>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::MeetingDelete)?;
    let (now, actor) = (state.clock.now(), m.actor.clone());
    let back = state
        .db(move |conn| meetings::undo_delete(conn, now, &actor))
        .await?;
    Ok(form.answer(back.map(|_| Flash::MeetingRestored)))
}
