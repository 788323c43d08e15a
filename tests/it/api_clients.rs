//! API clients: the scope grammar and hierarchy through the public API, the
//! permission matrix for a table of scope sets against every operation (in
//! the domain and on the pages), create with the secret shown once and only
//! a hash stored, editing with a confirmed difference, rotation with grace,
//! disable / enable / delete, the dry-run tester, the list, the audit trail,
//! roles and tenant isolation.

use std::collections::HashMap;

use awc::http::StatusCode;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use portaal::clock::Clock;
use portaal::db::schema::{api_client_secrets, api_clients, audit_events};
use portaal::domain::api_clients::ApiClient;
use portaal::domain::scopes::{Access, Level, Operation, Resource, Scope, ScopeError, ScopeSet};

use crate::support::*;

const BASE: &str = "/settings/api-clients";
const BOEKHOUDING: &str = "Boekhouding-koppeling";
const OUDE: &str = "Oude webshop";

// ---------------------------------------------------------------- expectations
//
// Computed from the scope strings alone, without the library's `covers`, so
// the matrix is checked against an independent reading of the rules.

fn rank(level: &str) -> u8 {
    match level {
        "read" => 0,
        "write" => 1,
        "admin" => 2,
        other => panic!("not a level: {other}"),
    }
}

/// `(level, resource, sub-path)` of a scope string.
fn parts(s: &str) -> (&str, &str, Option<&str>) {
    let mut p = s.splitn(3, ':');
    (p.next().unwrap(), p.next().unwrap(), p.next())
}

/// Does the granted scope string cover the required one?
fn grants(granted: &str, required: &str) -> bool {
    let (gl, gr, gs) = parts(granted);
    let (rl, rr, rs) = parts(required);
    gr == rr && rank(gl) >= rank(rl) && (gs.is_none() || gs == rs)
}

/// The scope that should decide `required`: the narrowest (a sub-path scope
/// before a whole-resource one), then the lowest level.
fn expected_decider(granted: &[&str], required: &str) -> Option<String> {
    granted
        .iter()
        .filter(|g| grants(g, required))
        .min_by_key(|g| {
            let (l, _, s) = parts(g);
            (s.is_none(), rank(l))
        })
        .map(|g| g.to_string())
}

/// What a resource's level badge should say.
fn expected_level(granted: &[&str], resource: &str, level: &str) -> Access {
    let reaching: Vec<_> = granted
        .iter()
        .map(|g| parts(g))
        .filter(|(l, r, _)| *r == resource && rank(l) >= rank(level))
        .collect();
    if reaching.iter().any(|(_, _, s)| s.is_none()) {
        Access::Allowed
    } else if reaching.is_empty() {
        Access::Denied
    } else {
        Access::Partial
    }
}

fn words(set: &str) -> Vec<&str> {
    set.split_whitespace().collect()
}

const EVERYTHING: &str = "admin:organization admin:users admin:locations admin:meetings \
     admin:customers admin:subscriptions admin:invoices admin:languages admin:countries admin:audit \
     admin:api-clients admin:webhooks";

/// The scope sets the matrix is checked for.
const SETS: &[&str] = &[
    "",
    "read:locations",
    "write:locations",
    "admin:locations",
    "write:organization:/mail-footer",
    "admin:customers",
    "read:customers:/contacts",
    "write:customers write:customers:/contacts",
    "read:organization:/logo admin:organization:/icon read:meetings",
    "read:organization write:organization:/mail-footer read:countries write:languages",
    EVERYTHING,
];

// ---------------------------------------------------------------- page helpers

/// The texts of the matrix in `html`: per operation name, and per
/// (resource, level label).
struct MatrixSeen {
    ops: HashMap<String, String>,
    levels: HashMap<(String, String), String>,
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let at = s.find(start)? + start.len();
    let rest = &s[at..];
    Some(&rest[..rest.find(end)?])
}

fn parse_matrix(html: &str) -> MatrixSeen {
    let at = html
        .find("class=\"table matrix\"")
        .expect("a matrix on the page");
    let m = &html[at..];
    let m = &m[..m.find("</table>").expect("the matrix ends")];
    let mut ops = HashMap::new();
    for op in Operation::ALL {
        let marker = format!("<code>{}</code> <span class=\"muted\">", op.name());
        assert_eq!(
            m.matches(&marker).count(),
            1,
            "{} appears once in the matrix",
            op.name()
        );
        let row = &m[m.find(&marker).unwrap()..];
        let row = &row[..row.find("</tr>").unwrap()];
        let class = between(row, "<span class=\"badge badge-", "\"").unwrap();
        let text = between(row, &format!("badge-{class}\">"), "</span>").unwrap();
        let expected_class = match text {
            "Toegestaan" | "Allowed" => "success",
            "Niet toegestaan" | "Not Allowed" => "muted",
            other => panic!("{}: unexpected cell {other:?}", op.name()),
        };
        assert_eq!(class, expected_class, "{}", op.name());
        ops.insert(op.name().to_string(), text.to_string());
    }
    assert_eq!(
        m.matches("</code> <span class=\"muted\">").count(),
        Operation::ALL.len(),
        "one row per operation, no more"
    );
    let mut levels = HashMap::new();
    for block in m.split("class=\"matrix-resource\"").skip(1) {
        let resource = between(block, "<code>", "</code>").unwrap().to_string();
        let badges = between(block, "<span class=\"matrix-levels\">", "</th>").unwrap();
        for badge in badges.split("<span class=\"badge badge-").skip(1) {
            let text = between(badge, "\">", "</span>").unwrap();
            let (label, access) = text.split_once(": ").unwrap();
            levels.insert((resource.clone(), label.to_string()), access.to_string());
        }
    }
    assert_eq!(levels.len(), Resource::ALL.len() * Level::ALL.len());
    MatrixSeen { ops, levels }
}

/// The words a page uses, per language.
struct Words {
    allowed: &'static str,
    denied: &'static str,
    partial: &'static str,
    levels: [&'static str; 3],
}

const NL: Words = Words {
    allowed: "Toegestaan",
    denied: "Niet toegestaan",
    partial: "Gedeeltelijk toegestaan",
    levels: ["Lezen", "Schrijven", "Beheren"],
};
const EN: Words = Words {
    allowed: "Allowed",
    denied: "Not Allowed",
    partial: "Allowed (partially)",
    levels: ["Read", "Write", "Admin"],
};

/// Check a page's matrix against the expectation for `set`.
fn check_matrix(html: &str, set: &str, w: &Words) {
    let granted = words(set);
    let seen = parse_matrix(html);
    for op in Operation::ALL {
        let required = op.required_scope().to_string();
        let want = if expected_decider(&granted, &required).is_some() {
            w.allowed
        } else {
            w.denied
        };
        assert_eq!(
            seen.ops[op.name()],
            want,
            "set {set:?}, operation {} (needs {required})",
            op.name()
        );
    }
    for r in Resource::ALL {
        for (i, l) in Level::ALL.iter().enumerate() {
            let want = match expected_level(&granted, r.as_str(), l.as_str()) {
                Access::Allowed => w.allowed,
                Access::Partial => w.partial,
                Access::Denied | Access::ModuleOff(_) => w.denied,
            };
            assert_eq!(
                seen.levels[&(r.as_str().to_string(), w.levels[i].to_string())],
                want,
                "set {set:?}, {} at {}",
                r.as_str(),
                l.as_str()
            );
        }
    }
}

/// The plain secret on a secret page, if it is shown.
fn shown_secret(html: &str) -> Option<String> {
    between(html, "value=\"pcs_", "\"").map(|rest| format!("pcs_{rest}"))
}

/// Form fields.
type Fields<'a> = Vec<(&'a str, &'a str)>;

/// POST with the CSRF token and `HX-Request: true`.
async fn htmx_post(c: &mut Client, path: &str, fields: &[(&str, &str)]) -> Res {
    let token = c.csrf().await;
    let mut all = fields.to_vec();
    all.push(("_csrf", &token));
    c.post_with(path, &all, &[("HX-Request", "true")]).await
}

/// Create a client through the form; returns its id and the secret shown.
async fn create(c: &mut Client, name: &str, scopes: &[&str]) -> (String, String) {
    let mut fields = vec![("name", name), ("description", ""), ("expires_on", "")];
    fields.extend(scopes.iter().map(|s| ("scope", *s)));
    let res = c.post(BASE, &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let to = res.location();
    let id = to
        .strip_prefix(&format!("{BASE}/"))
        .and_then(|r| r.strip_suffix("/secret"))
        .unwrap_or_else(|| panic!("redirect to the secret page, not {to}"))
        .to_string();
    let page = c.get(&to).await;
    assert_eq!(page.status, StatusCode::OK);
    let secret = shown_secret(&page.body).expect("the secret is shown");
    (id, secret)
}

async fn id_of(app: &TestApp, name: &'static str) -> String {
    app.db(move |c| {
        api_clients::table
            .filter(api_clients::name.eq(name))
            .select(api_clients::id)
            .first::<String>(c)
            .unwrap()
    })
    .await
}

async fn row(app: &TestApp, id: &str) -> Option<ApiClient> {
    let id = id.to_string();
    app.db(move |c| {
        api_clients::table
            .find(id)
            .select(ApiClient::as_select())
            .first(c)
            .optional()
            .unwrap()
    })
    .await
}

/// `(hash, expires_at)` of a client's secrets, oldest first.
async fn secrets(app: &TestApp, id: &str) -> Vec<(String, Option<NaiveDateTime>)> {
    let id = id.to_string();
    app.db(move |c| {
        api_client_secrets::table
            .filter(api_client_secrets::api_client_id.eq(id))
            .order((api_client_secrets::created_at, api_client_secrets::id))
            .select((
                api_client_secrets::secret_hash,
                api_client_secrets::expires_at,
            ))
            .load(c)
            .unwrap()
    })
    .await
}

async fn set_scopes(app: &TestApp, id: &str, scopes: &'static str) {
    let id = id.to_string();
    app.db(move |c| {
        diesel::update(api_clients::table.find(id))
            .set(api_clients::scopes.eq(scopes))
            .execute(c)
            .unwrap()
    })
    .await;
}

/// `(action, after_json)` of the audit events of one client, in order.
async fn audit_of(app: &TestApp, id: &str) -> Vec<(String, Option<String>)> {
    let id = id.to_string();
    app.db(move |c| {
        audit_events::table
            .filter(audit_events::resource_type.eq("api_client"))
            .filter(audit_events::resource_id.eq(id))
            .order((audit_events::created_at, audit_events::id))
            .select((audit_events::action, audit_events::after_json))
            .load(c)
            .unwrap()
    })
    .await
}

#[derive(QueryableByName)]
struct NameRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

#[derive(QueryableByName)]
struct ValueRow {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    v: Option<String>,
}

/// Every value of every column of every table, as text, with its place.
async fn every_stored_value(app: &TestApp) -> Vec<(String, String)> {
    let pg = app.db.is_postgres();
    app.db(move |c| {
        let tables: Vec<String> = diesel::sql_query(if pg {
            "SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables \
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        } else {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        })
        .load::<NameRow>(c)
        .unwrap()
        .into_iter()
        .map(|n| n.name)
        .collect();
        assert!(
            tables.iter().any(|t| t == "api_client_secrets"),
            "{tables:?}"
        );
        let mut out = vec![];
        for t in &tables {
            let columns: Vec<String> = diesel::sql_query(if pg {
                format!(
                    "SELECT CAST(column_name AS TEXT) AS name FROM information_schema.columns \
                     WHERE table_schema = 'public' AND table_name = '{t}' AND data_type <> 'bytea'"
                )
            } else {
                // (Binary columns — stored images and PDFs — are not text.)
                format!("SELECT name FROM pragma_table_info('{t}') WHERE type <> 'BLOB'")
            })
            .load::<NameRow>(c)
            .unwrap()
            .into_iter()
            .map(|n| n.name)
            .collect();
            assert!(!columns.is_empty(), "{t} has columns");
            for col in &columns {
                let values =
                    diesel::sql_query(format!("SELECT CAST(\"{col}\" AS TEXT) AS v FROM \"{t}\""))
                        .load::<ValueRow>(c)
                        .unwrap();
                out.extend(
                    values
                        .into_iter()
                        .filter_map(|v| v.v)
                        .map(|v| (format!("{t}.{col}"), v)),
                );
            }
        }
        out
    })
    .await
}

/// No stored value contains any of `secrets` (nor their random part).
async fn assert_nowhere_stored(app: &TestApp, secrets: &[&str]) {
    let all = every_stored_value(app).await;
    assert!(
        all.len() > 50,
        "the scan sees the data ({} values)",
        all.len()
    );
    for s in secrets {
        let random = s.strip_prefix("pcs_").unwrap();
        for (place, v) in &all {
            assert!(!v.contains(random), "the secret is stored in {place}");
        }
    }
}

/// A second organisation with its own admin (password: the demo password).
async fn other_org_admin(app: &TestApp) -> Client {
    let now = app.clock.now();
    app.db(move |c| {
        let hash = portaal::password::hash_blocking(PASSWORD).unwrap();
        portaal::domain::users::create_admin(c, now, "beheer@ander.test", "Ander BV", &hash, 30)
            .unwrap();
    })
    .await;
    app.login("beheer@ander.test").await
}

/// The field error under the field `name`, if any.
fn field_error<'a>(html: &'a str, name: &str) -> Option<&'a str> {
    between(
        html,
        &format!("<p class=\"field-error\" id=\"f-{name}-error\">"),
        "</p>",
    )
}

/// The names in the list's rows, in order.
fn listed(html: &str) -> Vec<String> {
    let Some(body) = between(html, "<tbody>", "</tbody>") else {
        return vec![];
    };
    body.split("<tr>")
        .skip(1)
        .map(|r| {
            let link = between(r, "<a href=\"/settings/api-clients/", "</a>").unwrap();
            link[link.find("\">").unwrap() + 2..].to_string()
        })
        .collect()
}

/// The list row of the client called `name`.
fn list_row<'a>(html: &'a str, name: &str) -> &'a str {
    let body = between(html, "<tbody>", "</tbody>").unwrap();
    body.split("<tr>")
        .find(|r| r.contains(&format!("\">{name}</a>")))
        .unwrap_or_else(|| panic!("{name} is listed"))
}

// ---------------------------------------------------------------- grammar

#[derive(Debug, PartialEq)]
enum Kind {
    Malformed,
    BadLevel,
    BadResource,
    BadSubpath,
}

fn kind(e: &ScopeError) -> Kind {
    match e {
        ScopeError::Malformed(_) => Kind::Malformed,
        ScopeError::UnknownLevel(_) => Kind::BadLevel,
        ScopeError::UnknownResource(_) => Kind::BadResource,
        ScopeError::UnknownSubpath(_) => Kind::BadSubpath,
    }
}

#[test]
fn scope_grammar_table() {
    // Every scope the catalogue offers reads back as written.
    let mut offered = 0;
    for r in Resource::ALL {
        let mut subs = vec![None];
        subs.extend(r.subpaths().iter().map(|s| Some(*s)));
        for sub in subs {
            for l in Level::ALL {
                let text = match sub {
                    None => format!("{}:{}", l.as_str(), r.as_str()),
                    Some(s) => format!("{}:{}:{s}", l.as_str(), r.as_str()),
                };
                let scope = Scope::parse(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
                assert_eq!(scope.to_string(), text);
                assert_eq!((scope.level, scope.resource, scope.subpath), (l, r, sub));
                offered += 1;
            }
        }
    }
    assert_eq!(
        offered,
        3 * (Resource::ALL.len() + 4),
        "10 resources, 4 sub-paths"
    );

    use Kind::*;
    let refused = [
        ("", Malformed),
        ("read", Malformed),
        ("read:", Malformed),
        (":locations", Malformed),
        ("read::", Malformed),
        ("own:", Malformed),
        (" read:locations", Malformed),
        ("read:locations ", Malformed),
        ("read :locations", Malformed),
        ("read:\tlocations", Malformed),
        ("read:locations\n", Malformed),
        ("read:loc\u{0}ations", Malformed),
        ("read:organization: /logo", Malformed),
        ("own:locations", BadLevel),
        ("READ:locations", BadLevel),
        ("Read:locations", BadLevel),
        ("delete:locations", BadLevel),
        ("reads:locations", BadLevel),
        ("own:planets", BadLevel),
        ("read:planets", BadResource),
        ("read:Locations", BadResource),
        ("read:location", BadResource),
        ("read:api_clients", BadResource),
        ("admin:apiclients", BadResource),
        ("read:planets:/x", BadResource),
        ("read:locations:/x", BadSubpath),
        ("read:locations:/mail-footer", BadSubpath),
        ("read:customers:/mail-footer", BadSubpath),
        ("read:organization:/contacts", BadSubpath),
        ("read:organization:mail-footer", BadSubpath),
        ("read:organization:/mail-footer/x", BadSubpath),
        ("read:organization:/Mail-Footer", BadSubpath),
        ("read:organization:", BadSubpath),
        ("read:organization:/", BadSubpath),
        ("write:customers:/contacts:/x", BadSubpath),
    ];
    for (text, want) in refused {
        let err = Scope::parse(text).expect_err(text);
        assert_eq!(kind(&err), want, "{text:?}: {err}");
        assert_eq!(err.scope(), text, "the error names what was refused");
        if !text.is_empty() {
            assert!(err.to_string().contains(text), "{err}");
        }
    }

    // Lists: whitespace of any kind separates, duplicates collapse, order
    // does not matter, every bad scope is reported with its text.
    let cases: &[(&str, Result<&str, &[&str]>)] = &[
        ("", Ok("")),
        (" \t\n ", Ok("")),
        ("read:locations", Ok("read:locations")),
        ("read:locations read:locations", Ok("read:locations")),
        ("  read:locations\t\tread:locations\n", Ok("read:locations")),
        (
            "admin:audit\nread:locations\twrite:customers",
            Ok("read:locations write:customers admin:audit"),
        ),
        (
            "write:customers:/contacts write:customers",
            Ok("write:customers write:customers:/contacts"),
        ),
        (
            "read:customers write:customers admin:customers",
            Ok("read:customers write:customers admin:customers"),
        ),
        (
            "read:locations bad read:nope",
            Err(&["bad", "read:nope"][..]),
        ),
        ("read:planets", Err(&["read:planets"][..])),
        (
            "own:x read:locations:/x read:x",
            Err(&["own:x", "read:locations:/x", "read:x"][..]),
        ),
        (
            "read:locations,read:customers",
            Err(&["read:locations,read:customers"][..]),
        ),
    ];
    for (list, want) in cases {
        match (ScopeSet::parse(list), want) {
            (Ok(set), Ok(text)) => {
                assert_eq!(set.to_string(), *text, "{list:?}");
                assert_eq!(
                    ScopeSet::parse(text).unwrap(),
                    set,
                    "normalised form reads back"
                );
            }
            (Err(errs), Err(bad)) => {
                let named: Vec<&str> = errs.iter().map(ScopeError::scope).collect();
                assert_eq!(named, *bad, "{list:?}");
            }
            (got, _) => panic!("{list:?}: {got:?}"),
        }
    }
    assert_eq!(
        ScopeSet::parse("write:locations read:meetings").unwrap(),
        ScopeSet::parse("read:meetings write:locations write:locations").unwrap()
    );
}

#[test]
fn scope_hierarchy_and_subpaths_for_every_operation() {
    for r in Resource::ALL {
        for l in Level::ALL {
            let mut subs = vec![None];
            subs.extend(r.subpaths().iter().map(|s| Some(*s)));
            for sub in subs {
                let granted = Scope {
                    resource: r,
                    subpath: sub,
                    level: l,
                };
                let set = ScopeSet::new(vec![granted]);
                for op in Operation::ALL {
                    let need = op.required_scope();
                    let want = need.resource == r
                        && need.level <= l
                        && (sub.is_none() || need.subpath == sub);
                    assert_eq!(set.allows(*op), want, "{granted} for {}", op.name());
                    assert_eq!(granted.covers(&need), want, "{granted} covers {need}");
                    assert_eq!(
                        set.decide(*op),
                        want.then_some(granted),
                        "{granted} decides {}",
                        op.name()
                    );
                }
            }
        }
    }
    // admin ⊇ write ⊇ read, for whole resources and sub-paths alike.
    for op in Operation::ALL {
        let need = op.required_scope();
        let at = |level| {
            ScopeSet::new(vec![Scope {
                resource: need.resource,
                subpath: need.subpath,
                level,
            }])
            .allows(*op)
        };
        assert!(at(Level::Admin), "{}", op.name());
        assert!(!at(Level::Read) || at(Level::Write), "{}", op.name());
        assert!(!at(Level::Write) || at(Level::Admin), "{}", op.name());
        assert_eq!(at(Level::Read), need.level == Level::Read, "{}", op.name());
    }
    // A sub-path scope grants only its sub-path, never the resource.
    let footer = ScopeSet::parse("admin:organization:/mail-footer").unwrap();
    for op in Operation::ALL {
        assert_eq!(
            footer.allows(*op),
            op.required_scope().subpath == Some("/mail-footer"),
            "{}",
            op.name()
        );
    }
    let contacts = ScopeSet::parse("read:customers:/contacts").unwrap();
    assert!(contacts.allows(Operation::ContactList));
    assert!(!contacts.allows(Operation::ContactCreate));
    assert!(!contacts.allows(Operation::CustomerList));
    assert!(!contacts.allows(Operation::CustomerGet));
}

// ---------------------------------------------------------------- the matrix

#[test]
fn matrix_for_a_table_of_scope_sets() {
    for set_text in SETS {
        let granted = words(set_text);
        let set = ScopeSet::parse(set_text).unwrap();
        let matrix = set.matrix();
        assert_eq!(
            matrix.iter().map(|r| r.resource).collect::<Vec<_>>(),
            Resource::ALL
        );
        let mut seen = 0;
        for block in &matrix {
            for (level, access) in &block.levels {
                assert_eq!(
                    *access,
                    expected_level(&granted, block.resource.as_str(), level.as_str()),
                    "{set_text:?}: {} at {}",
                    block.resource.as_str(),
                    level.as_str()
                );
            }
            for row in &block.operations {
                let op = row.operation;
                let required = op.required_scope().to_string();
                assert_eq!(op.required_scope().resource, block.resource);
                let want = expected_decider(&granted, &required);
                assert_eq!(
                    row.decided_by.map(|s| s.to_string()),
                    want,
                    "{set_text:?}: {}",
                    op.name()
                );
                assert_eq!(set.decide(op).map(|s| s.to_string()), want);
                assert_eq!(set.allows(op), want.is_some());
                assert_eq!(
                    row.access(),
                    if want.is_some() {
                        Access::Allowed
                    } else {
                        Access::Denied
                    }
                );
                seen += 1;
            }
        }
        assert_eq!(seen, Operation::ALL.len(), "every operation once");
    }
    // The table gives both answers for every operation.
    for op in Operation::ALL {
        let answers: Vec<bool> = SETS
            .iter()
            .map(|s| ScopeSet::parse(s).unwrap().allows(*op))
            .collect();
        assert!(
            answers.contains(&true) && answers.contains(&false),
            "{}",
            op.name()
        );
    }
}

#[actix_web::test]
async fn matrix_pages_show_exactly_the_expected_access() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let (id, _) = create(&mut c, "Matrix", &["read:locations"]).await;
    let show = format!("{BASE}/{id}");
    for (w, lang) in [(&NL, "nl"), (&EN, "en")] {
        let res = c.post("/language", &[("lang", lang), ("next", "/")]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        for set in SETS {
            // The client's page.
            set_scopes(&app, &id, set).await;
            let page = c.get(&show).await;
            assert_eq!(page.status, StatusCode::OK);
            check_matrix(&page.body, set, w);
            // The live matrix of the form, before anything is saved.
            let mut fields: Vec<(&str, &str)> =
                words(set).into_iter().map(|s| ("scope", s)).collect();
            fields.push(("name", "Matrix"));
            let frag = htmx_post(&mut c, &format!("{BASE}/matrix"), &fields).await;
            assert_eq!(frag.status, StatusCode::OK, "{}", frag.body);
            assert!(!frag.body.contains("<html"), "only the fragment");
            check_matrix(&frag.body, set, w);
        }
    }
    // Spot checks in Dutch of what the table means.
    c.post("/language", &[("lang", "nl"), ("next", "/")]).await;
    set_scopes(&app, &id, "write:organization:/mail-footer").await;
    let seen = parse_matrix(&c.get(&show).await.body);
    assert_eq!(seen.ops["organization_mail_footer_update"], "Toegestaan");
    assert_eq!(seen.ops["organization_mail_footer_get"], "Toegestaan");
    assert_eq!(seen.ops["organization_logo_update"], "Niet toegestaan");
    assert_eq!(seen.ops["organization_get"], "Niet toegestaan");
    let level = |l: &str| seen.levels[&("organization".to_string(), l.to_string())].clone();
    assert_eq!(level("Lezen"), "Gedeeltelijk toegestaan");
    assert_eq!(level("Schrijven"), "Gedeeltelijk toegestaan");
    assert_eq!(level("Beheren"), "Niet toegestaan");
}

#[actix_web::test]
async fn live_matrix_fragment_follows_the_ticks_and_shows_the_difference() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let path = format!("{BASE}/matrix");
    // Nothing ticked: nothing allowed.
    let res = htmx_post(&mut c, &path, &[("name", "")]).await;
    assert_eq!(res.status, StatusCode::OK);
    check_matrix(&res.body, "", &NL);
    // Unknown or malformed ticks are ignored by the preview (the save names them).
    let res = htmx_post(
        &mut c,
        &path,
        &[
            ("scope", "write:organization:/mail-footer"),
            ("scope", "read:planets"),
            ("scope", "read:locations"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(!res.body.contains("<html"));
    check_matrix(
        &res.body,
        "write:organization:/mail-footer read:locations",
        &NL,
    );
    assert!(
        !res.body.contains("scope-diff"),
        "no difference for a new client"
    );
    // Editing an existing client: the difference to what it has now.
    let id = id_of(&app, BOEKHOUDING).await;
    let res = htmx_post(
        &mut c,
        &path,
        &[
            ("client", id.as_str()),
            ("scope", "read:customers"),
            ("scope", "write:customers:/contacts"),
            ("scope", "write:locations"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("+ write:locations"), "{}", res.body);
    assert!(res.body.contains("− read:locations"));
    assert!(!res.body.contains("− read:customers"));
    let row_of = |name: &str| {
        let at = res.body.find(&format!("<code>{name}</code>")).unwrap();
        let start = res.body[..at].rfind("<tr").unwrap();
        res.body[start..at].to_string()
    };
    assert!(row_of("location_create").contains("change-added"));
    assert!(row_of("location_update").contains("change-added"));
    assert!(!row_of("location_list").contains("change-"));
    assert!(!row_of("location_delete").contains("change-"));
    assert!(!row_of("contact_create").contains("change-"));
    let stored = row(&app, &id).await.unwrap();
    assert_eq!(
        stored.scopes, "read:locations read:customers write:customers:/contacts",
        "a preview stores nothing"
    );
}

// ---------------------------------------------------------------- create, secret once

#[actix_web::test]
async fn create_shows_the_secret_once_and_stores_only_an_argon2_hash() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let before = app.count("SELECT COUNT(*) AS n FROM api_clients").await;
    let expiry = (app.clock.now() + Duration::days(30)).date();
    let expires_on = expiry.to_string();
    let res = c
        .post(
            BASE,
            &[
                ("name", "  Helpdesk  "),
                ("description", "Leest klanten voor de helpdesk."),
                ("expires_on", &expires_on),
                ("scope", "read:customers"),
                ("scope", "write:customers:/contacts"),
                ("scope", "read:customers"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let id = id_of(&app, "Helpdesk").await;
    assert_eq!(res.location(), format!("{BASE}/{id}/secret"));
    let raw_cookie = res.set_cookie("portaal_once").expect("a cookie carries it");
    assert!(raw_cookie.contains("HttpOnly"), "{raw_cookie}");
    assert!(raw_cookie.contains("SameSite=Strict"), "{raw_cookie}");
    assert!(
        raw_cookie.contains(&format!("Path={BASE}/{id}/secret")),
        "{raw_cookie}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM api_clients").await,
        before + 1
    );

    // The secret page, once.
    let page = c.get(&res.location()).await;
    assert_eq!(page.status, StatusCode::OK);
    let cache = page.header("cache-control").unwrap_or_default();
    assert!(cache.contains("no-store"), "{cache}");
    let secret = shown_secret(&page.body).expect("the secret is shown");
    assert_eq!(secret.len(), 68, "{secret}");
    assert!(
        !raw_cookie.contains(&secret[4..]),
        "the cookie is encrypted"
    );
    let client = row(&app, &id).await.unwrap();
    assert!(page.body.contains(&client.client_id));
    assert!(client.client_id.starts_with("pc_"));
    assert!(page.body.contains("maar één keer getoond"));
    // … and never again.
    let again = c.get(&res.location()).await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(
        again
            .header("cache-control")
            .unwrap_or_default()
            .contains("no-store")
    );
    assert!(!again.body.contains(&secret));
    assert!(!again.body.contains("pcs_"));
    assert!(again.body.contains("al getoond"), "{}", again.body);
    assert!(
        again.body.contains(&client.client_id),
        "the client id stays visible"
    );
    // Nor on the client's page or in the list.
    let show = c.get(&format!("{BASE}/{id}")).await;
    assert!(!show.body.contains(&secret) && !show.body.contains("pcs_"));
    let list = c.get(BASE).await;
    assert!(!list.body.contains(&secret) && !list.body.contains("pcs_"));
    assert!(list.body.contains("Helpdesk"));

    // What was stored.
    assert_eq!(client.name, "Helpdesk", "trimmed");
    assert_eq!(client.description, "Leest klanten voor de helpdesk.");
    assert_eq!(client.scopes, "read:customers write:customers:/contacts");
    // Through the chosen day in Amsterdam: until the next day starts there.
    assert_eq!(
        client.expires_at,
        Some(portaal::domain::local_time::day_start(
            chrono_tz::Europe::Amsterdam,
            expiry.succ_opt().unwrap()
        ))
    );
    assert!(!client.disabled);
    assert_eq!(client.created_by_label, "Bea Beheer");
    assert_eq!(client.version, 1);
    let stored = secrets(&app, &id).await;
    assert_eq!(stored.len(), 1);
    assert!(stored[0].0.starts_with("$argon2id$"), "{}", stored[0].0);
    assert!(portaal::password::verify_blocking(&secret, &stored[0].0));
    assert_eq!(stored[0].1, None, "a new secret has no end");
    assert_nowhere_stored(&app, &[&secret]).await;

    // Rotate: a new secret, shown once; still only hashes stored.
    let res = c
        .post(&format!("{BASE}/{id}/rotate"), &[("grace", "1h")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), format!("{BASE}/{id}/secret"));
    let page = c.get(&res.location()).await;
    assert!(
        page.header("cache-control")
            .unwrap_or_default()
            .contains("no-store")
    );
    let rotated = shown_secret(&page.body).expect("the new secret is shown");
    assert_ne!(rotated, secret);
    let again = c.get(&res.location()).await;
    assert!(!again.body.contains(&rotated) && again.body.contains("al getoond"));
    let stored = secrets(&app, &id).await;
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|(h, _)| h.starts_with("$argon2id$")));
    assert!(portaal::password::verify_blocking(&secret, &stored[0].0));
    assert!(portaal::password::verify_blocking(&rotated, &stored[1].0));
    assert!(!portaal::password::verify_blocking(&secret, &stored[1].0));
    assert_nowhere_stored(&app, &[&secret, &rotated]).await;

    // The audit trail has both events and no secret nor hash.
    let events = audit_of(&app, &id).await;
    let actions: Vec<&str> = events.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(actions, ["api_client.created", "api_client.secret_rotated"]);
    assert_no_secret_in_audit(&app, &[&secret, &rotated]).await;
}

/// No audit row contains a secret, a hash or the word argon2.
async fn assert_no_secret_in_audit(app: &TestApp, secrets: &[&str]) {
    type Row = (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
    );
    let rows: Vec<Row> = app
        .db(|c| {
            audit_events::table
                .select((
                    audit_events::action,
                    audit_events::resource_type,
                    audit_events::resource_id,
                    audit_events::before_json,
                    audit_events::after_json,
                    audit_events::actor_label,
                ))
                .load(c)
                .unwrap()
        })
        .await;
    assert!(rows.iter().any(|r| r.0.starts_with("api_client.")));
    for r in rows {
        let text = format!("{r:?}");
        assert!(!text.to_lowercase().contains("argon2"), "{text}");
        assert!(
            !text.contains("secretHash") && !text.contains("secret_hash"),
            "{text}"
        );
        for s in secrets {
            assert!(!text.contains(&s[4..]), "{text}");
        }
    }
}

#[actix_web::test]
async fn create_refuses_bad_input_and_stores_nothing() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let clients = app.count("SELECT COUNT(*) AS n FROM api_clients").await;
    let stored_secrets = app
        .count("SELECT COUNT(*) AS n FROM api_client_secrets")
        .await;
    let events = app.count("SELECT COUNT(*) AS n FROM audit_events").await;
    let yesterday = (app.clock.now() - Duration::days(1)).date().to_string();
    let long = "x".repeat(101);
    let ok_scope = ("scope", "read:locations");
    let cases: Vec<(Fields, &str, &str)> = vec![
        (vec![("name", ""), ok_scope], "name", "Vul dit veld in."),
        (vec![("name", "   "), ok_scope], "name", "Vul dit veld in."),
        (
            vec![("name", long.as_str()), ok_scope],
            "name",
            "Maximaal 100 tekens.",
        ),
        (
            vec![("name", BOEKHOUDING), ok_scope],
            "name",
            "Deze naam is al in gebruik.",
        ),
        (
            vec![("name", " Boekhouding-koppeling "), ok_scope],
            "name",
            "Deze naam is al in gebruik.",
        ),
        (
            vec![("name", "Nieuw"), ok_scope, ("expires_on", "31-12-2030")],
            "expires_on",
            "Vul een datum in als 2026-12-31.",
        ),
        (
            vec![("name", "Nieuw"), ok_scope, ("expires_on", "2030-02-30")],
            "expires_on",
            "Vul een datum in als 2026-12-31.",
        ),
        (
            vec![
                ("name", "Nieuw"),
                ok_scope,
                ("expires_on", yesterday.as_str()),
            ],
            "expires_on",
            "Kies een datum in de toekomst.",
        ),
    ];
    for (fields, field, message) in &cases {
        let res = c.post(BASE, fields).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert_eq!(field_error(&res.body, field), Some(*message), "{fields:?}");
        assert!(res.body.contains("aria-invalid=\"true\""));
        // The summary at the top names the field and links to it.
        assert!(title_of(&res.body).starts_with("Fout: "), "{fields:?}");
        let summary = error_summary(&res.body);
        assert_eq!(summary.len(), 1, "{summary:?}");
        assert_eq!(summary[0].0, format!("#f-{field}"));
        assert!(summary[0].1.ends_with(message), "{summary:?}");
        // The ticked box stays ticked.
        assert!(
            res.body
                .contains("value=\"read:locations\" id=\"scope-read-locations\" checked"),
            "{fields:?}"
        );
    }
    // Scopes: none, or unknown ones (each named next to the grid).
    let res = c.post(BASE, &[("name", "Nieuw")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("<p class=\"field-error\" role=\"alert\">Kies ten minste één recht.</p>"),
        "{}",
        res.body
    );
    assert_eq!(
        error_summary(&res.body),
        [(
            "#f-scopes".to_string(),
            "Kies ten minste één recht.".to_string()
        )]
    );
    assert!(
        res.body
            .contains("<fieldset class=\"scope-grid\" id=\"f-scopes\"")
    );
    let res = c
        .post(
            BASE,
            &[
                ("name", "Nieuw"),
                ("scope", "read:planets"),
                ("scope", "read:locations"),
                ("scope", "delete:customers"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains(
        "<p class=\"field-error\" role=\"alert\">Onbekende of ongeldige scope: read:planets.</p>"
    ));
    assert!(
        res.body
            .contains("Onbekende of ongeldige scope: delete:customers.")
    );
    assert!(!res.body.contains("scope: read:locations"));
    assert!(res.body.contains("value=\"Nieuw\""), "the name is kept");
    // Nothing stored by any of it.
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM api_clients").await,
        clients
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM api_client_secrets")
            .await,
        stored_secrets
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_events").await,
        events
    );
    // The limits themselves are fine.
    let hundred = "y".repeat(100);
    create(&mut c, &hundred, &["read:locations"]).await;
    let res = c
        .post(
            BASE,
            &[
                ("name", "Boekhouding-koppeling 2"),
                ("scope", "read:locations"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM api_clients").await,
        clients + 2
    );
}

#[actix_web::test]
async fn names_are_unique_per_organisation_only() {
    let app = TestApp::demo().await;
    let mut other = other_org_admin(&app).await;
    // The same name in another organisation is fine …
    let (theirs, _) = create(&mut other, BOEKHOUDING, &["read:meetings"]).await;
    // … but not twice there.
    let res = other
        .post(BASE, &[("name", BOEKHOUDING), ("scope", "read:meetings")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_error(&res.body, "name"),
        Some("Deze naam is al in gebruik.")
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM api_clients WHERE name = 'Boekhouding-koppeling'")
            .await,
        2
    );
    // Renaming into a taken name is refused too.
    let mut c = app.login(ADMIN).await;
    let oude = id_of(&app, OUDE).await;
    let res = c
        .post(
            &format!("{BASE}/{oude}"),
            &[
                ("name", BOEKHOUDING),
                ("version", "2"),
                ("scope", "write:organization:/mail-footer"),
                ("scope", "admin:meetings"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(
        field_error(&res.body, "name"),
        Some("Deze naam is al in gebruik.")
    );
    assert_eq!(row(&app, &oude).await.unwrap().name, OUDE);
    // Renaming in the other organisation to a Demo BV name is fine.
    let res = other
        .post(
            &format!("{BASE}/{theirs}"),
            &[("name", OUDE), ("version", "1"), ("scope", "read:meetings")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(row(&app, &theirs).await.unwrap().name, OUDE);
}

// ---------------------------------------------------------------- edit

#[actix_web::test]
async fn editing_scopes_asks_for_confirmation_with_the_difference() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let (id, _) = create(&mut c, "Planning", &["read:meetings", "write:locations"]).await;
    let path = format!("{BASE}/{id}");
    // The edit form has the current values.
    let form = c.get(&format!("{path}/edit")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body
            .contains("value=\"read:meetings\" id=\"scope-read-meetings\" checked")
    );
    assert!(
        form.body
            .contains("value=\"write:locations\" id=\"scope-write-locations\" checked")
    );
    assert!(
        !form
            .body
            .contains("value=\"read:locations\" id=\"scope-read-locations\" checked")
    );
    assert!(form.body.contains("name=\"version\" value=\"1\""));
    assert!(form.body.contains("value=\"Planning\""));
    // A change of scopes without confirmation: the difference, nothing saved.
    let change = [
        ("name", "Planning"),
        ("description", "Plant afspraken"),
        ("expires_on", ""),
        ("version", "1"),
        ("scope", "write:customers"),
        ("scope", "write:locations"),
    ];
    let res = c.post(&path, &change).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("Wijziging van de rechten bevestigen"));
    assert!(res.body.contains("<code>+ write:customers</code>"));
    assert!(res.body.contains("<code>− read:meetings</code>"));
    assert!(!res.body.contains("+ write:locations") && !res.body.contains("− write:locations"));
    let added = between(&res.body, "Voortaan toegestaan", "</ul>").unwrap();
    let removed = between(&res.body, "Niet meer toegestaan", "</ul>").unwrap();
    let (old, new) = (
        ["read:meetings", "write:locations"],
        ["write:customers", "write:locations"],
    );
    for op in Operation::ALL {
        let need = op.required_scope().to_string();
        let (was, is) = (
            expected_decider(&old, &need).is_some(),
            expected_decider(&new, &need).is_some(),
        );
        let code = format!("<code>{}</code>", op.name());
        assert_eq!(added.contains(&code), !was && is, "added: {}", op.name());
        assert_eq!(
            removed.contains(&code),
            was && !is,
            "removed: {}",
            op.name()
        );
    }
    assert!(added.contains("<code>customer_create</code>"));
    assert!(removed.contains("<code>meeting_list</code>"));
    assert!(res.body.contains("name=\"confirm\" value=\"1\""));
    let stored = row(&app, &id).await.unwrap();
    assert_eq!(
        stored.scopes, "write:locations read:meetings",
        "nothing saved yet"
    );
    assert_eq!((stored.version, stored.description.as_str()), (1, ""));
    assert_eq!(audit_of(&app, &id).await.len(), 1);
    // Confirmed: saved, with the difference in the audit log.
    let mut confirmed = change.to_vec();
    confirmed.push(("confirm", "1"));
    let res = c.post(&path, &confirmed).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), path);
    let page = c.get(&path).await;
    assert!(page.body.contains("API-client opgeslagen."));
    let stored = row(&app, &id).await.unwrap();
    assert_eq!(stored.scopes, "write:locations write:customers");
    assert_eq!(stored.description, "Plant afspraken");
    assert_eq!(stored.version, 2);
    let events = audit_of(&app, &id).await;
    let (action, after) = events.last().unwrap();
    assert_eq!(action, "api_client.updated");
    let after: serde_json::Value = serde_json::from_str(after.as_deref().unwrap()).unwrap();
    assert_eq!(after["scopesAdded"], serde_json::json!(["write:customers"]));
    assert_eq!(after["scopesRemoved"], serde_json::json!(["read:meetings"]));
    assert_eq!(after["scopes"], "write:locations write:customers");

    // Only the name and description change: no confirmation needed.
    let res = c
        .post(
            &path,
            &[
                ("name", "Planning NL"),
                ("version", "2"),
                ("scope", "write:customers"),
                ("scope", "write:locations"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let stored = row(&app, &id).await.unwrap();
    assert_eq!((stored.name.as_str(), stored.version), ("Planning NL", 3));

    // A stale version: 409, the input kept, the current version offered.
    for confirm in ["1", ""] {
        let res = c
            .post(
                &path,
                &[
                    ("name", "Planning oud"),
                    ("version", "2"),
                    ("confirm", confirm),
                    ("scope", "admin:meetings"),
                ],
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::CONFLICT,
            "confirm={confirm:?}: {}",
            res.body
        );
        assert!(
            res.body
                .contains("Iemand anders heeft dit intussen gewijzigd")
        );
        assert!(
            res.body.contains("value=\"Planning oud\""),
            "the input is kept"
        );
        assert!(
            res.body
                .contains("value=\"admin:meetings\" id=\"scope-admin-meetings\" checked")
        );
        assert!(res.body.contains("name=\"version\" value=\"3\""));
    }
    let stored = row(&app, &id).await.unwrap();
    assert_eq!((stored.name.as_str(), stored.version), ("Planning NL", 3));
    assert_eq!(stored.scopes, "write:locations write:customers");
    // Invalid input on edit: 422 next to the field.
    let res = c
        .post(
            &path,
            &[("name", ""), ("version", "3"), ("scope", "read:x")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&res.body, "name"), Some("Vul dit veld in."));
    assert!(res.body.contains("Onbekende of ongeldige scope: read:x."));
    assert_eq!(row(&app, &id).await.unwrap().version, 3);
    // An unknown id.
    let res = c
        .post(&format!("{BASE}/nope"), &[("name", "x"), ("version", "1")])
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------- rotate

#[actix_web::test]
async fn rotation_grace_periods() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let (id, first) = create(&mut c, "Roteren", &["read:locations"]).await;
    let rotate = format!("{BASE}/{id}/rotate");
    // Unknown or missing grace: 400, nothing changes.
    for grace in ["2h", "", "NOW", "1 h"] {
        let res = c.post(&rotate, &[("grace", grace)]).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{grace:?}");
    }
    let res = c.post(&rotate, &[]).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(secrets(&app, &id).await.len(), 1);
    assert!(res.set_cookie("portaal_once").is_none());

    // `now`: the old secret dies at once.
    let res = c.post(&rotate, &[("grace", "now")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let second = shown_secret(&c.get(&res.location()).await.body).unwrap();
    let now = app.clock.now();
    let s = secrets(&app, &id).await;
    assert_eq!(s.len(), 2);
    assert!(portaal::password::verify_blocking(&first, &s[0].0));
    let first_end = s[0].1.expect("the old secret ends");
    assert!(first_end <= now, "{first_end} <= {now}");
    assert_eq!(s[1].1, None);
    let page = c.get(&format!("{BASE}/{id}")).await;
    assert_eq!(
        page.body.matches("badge-muted\">Verlopen").count(),
        1,
        "the old one is shown dead"
    );
    assert!(page.body.contains("Geen einde"), "the new one has no end");

    // `1h`: the old secret lives one more hour.
    app.clock.advance(Duration::minutes(5));
    let res = c.post(&rotate, &[("grace", "1h")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let third = shown_secret(&c.get(&res.location()).await.body).unwrap();
    let at = app.clock.now();
    let s = secrets(&app, &id).await;
    assert_eq!(s.len(), 3);
    assert_eq!(s[0].1, Some(first_end), "a dead secret is not revived");
    assert!(portaal::password::verify_blocking(&second, &s[1].0));
    assert!(portaal::password::verify_blocking(&third, &s[2].0));
    let second_end = s[1].1.expect("the old secret ends");
    assert!(
        second_end > at && second_end <= at + Duration::hours(1),
        "{second_end}"
    );
    assert!(second_end >= at + Duration::minutes(59));
    assert_eq!(s[2].1, None);
    let live = |s: &[(String, Option<NaiveDateTime>)], now: NaiveDateTime| {
        s.iter().filter(|(_, e)| e.is_none_or(|e| e > now)).count()
    };
    assert_eq!(live(&s, app.clock.now()), 2, "old and new both work");
    app.clock.advance(Duration::minutes(59));
    assert_eq!(live(&s, app.clock.now()), 2, "still within the hour");
    let page = c.get(&format!("{BASE}/{id}")).await;
    assert_eq!(page.body.matches("badge-muted\">Verlopen").count(), 1);
    app.clock.advance(Duration::minutes(2));
    assert_eq!(live(&s, app.clock.now()), 1, "the hour is over");
    let page = c.get(&format!("{BASE}/{id}")).await;
    assert_eq!(page.body.matches("badge-muted\">Verlopen").count(), 2);
    // The grace choices are offered on the page.
    for g in ["now", "1h", "24h", "7d"] {
        assert!(page.body.contains(&format!("<option value=\"{g}\"")), "{g}");
    }

    let events = audit_of(&app, &id).await;
    let rotations: Vec<serde_json::Value> = events
        .iter()
        .filter(|(a, _)| a == "api_client.secret_rotated")
        .map(|(_, j)| serde_json::from_str(j.as_deref().unwrap()).unwrap())
        .collect();
    assert_eq!(rotations.len(), 2);
    assert_eq!(rotations[0]["grace"], "now");
    assert_eq!(rotations[1]["grace"], "1h");
    assert_no_secret_in_audit(&app, &[&first, &second, &third]).await;
    assert_nowhere_stored(&app, &[&first, &second, &third]).await;
}

// ---------------------------------------------------------------- disable, enable, delete

#[actix_web::test]
async fn disable_and_enable_toggle_the_status() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let id = id_of(&app, BOEKHOUDING).await;
    let path = format!("{BASE}/{id}");
    let page = c.get(&path).await;
    assert!(page.body.contains("badge-success\">Actief"));
    // Blocking asks first, saying what it does.
    assert!(page.body.contains(&format!("href=\"{path}/disable\"")));
    let confirm = c.get(&format!("{path}/disable")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("API-client blokkeren"));
    assert!(confirm.body.contains(&format!(
        "{BOEKHOUDING} wordt geblokkeerd: de client krijgt geen nieuwe tokens meer"
    )));
    assert!(confirm.body.contains(&format!("action=\"{path}/disable\"")));
    assert!(
        !row(&app, &id).await.unwrap().disabled,
        "not before it is confirmed"
    );
    let res = c.post(&format!("{path}/disable"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), path);
    let client = row(&app, &id).await.unwrap();
    assert!(client.disabled);
    assert_eq!(client.version, 2);
    let page = c.get(&path).await;
    assert!(page.body.contains("API-client geblokkeerd."));
    assert!(page.body.contains("badge-danger\">Geblokkeerd"));
    assert!(!page.body.contains("badge-success\">Actief"));
    assert!(page.body.contains(&format!("action=\"{path}/enable\"")));
    assert!(page.body.contains("Weer toestaan"));
    let list = c.get(BASE).await;
    assert!(list_row(&list.body, BOEKHOUDING).contains("Geblokkeerd"));
    // Twice is harmless and not audited twice.
    assert_eq!(
        c.post(&format!("{path}/disable"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(row(&app, &id).await.unwrap().version, 2);
    let res = c.post(&format!("{path}/enable"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(!row(&app, &id).await.unwrap().disabled);
    let page = c.get(&path).await;
    assert!(page.body.contains("API-client weer toegestaan."));
    assert!(page.body.contains("badge-success\">Actief"));
    let actions: Vec<String> = audit_of(&app, &id)
        .await
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    assert_eq!(
        actions,
        [
            "api_client.created",
            "api_client.disabled",
            "api_client.enabled"
        ]
    );
    // An expired client shows as such.
    let tomorrow = (app.clock.now() + Duration::days(1)).date().to_string();
    let res = c
        .post(
            BASE,
            &[
                ("name", "Kortstondig"),
                ("expires_on", &tomorrow),
                ("scope", "read:audit"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let short = id_of(&app, "Kortstondig").await;
    assert!(
        c.get(&format!("{BASE}/{short}"))
            .await
            .body
            .contains("badge-success\">Actief")
    );
    app.clock.advance(Duration::days(2));
    let mut c = app.login(ADMIN).await;
    let page = c.get(&format!("{BASE}/{short}")).await;
    assert!(
        page.body.contains("badge-muted\">Verlopen"),
        "{}",
        page.body
    );
    let list = c.get(BASE).await;
    assert!(list_row(&list.body, "Kortstondig").contains("badge-muted\">Verlopen"));
}

#[actix_web::test]
async fn delete_needs_the_exact_name() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let id = id_of(&app, BOEKHOUDING).await;
    let path = format!("{BASE}/{id}/delete");
    let page = c.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(BOEKHOUDING));
    for wrong in ["", "boekhouding-koppeling", "Boekhouding", "Oude webshop"] {
        let res = c.post(&path, &[("confirm_name", wrong)]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{wrong:?}");
        assert_eq!(
            field_error(&res.body, "confirm_name"),
            Some("De ingevulde naam komt niet overeen."),
            "{wrong:?}"
        );
    }
    let res = c.post(&path, &[]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(row(&app, &id).await.is_some(), "nothing deleted");
    assert_eq!(secrets(&app, &id).await.len(), 1);
    let res = c.post(&path, &[("confirm_name", BOEKHOUDING)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), BASE);
    assert!(row(&app, &id).await.is_none());
    assert!(secrets(&app, &id).await.is_empty(), "secrets go by cascade");
    let list = c.get(BASE).await;
    assert!(list.body.contains("API-client verwijderd."));
    assert_eq!(listed(&list.body), [OUDE]);
    assert_eq!(
        c.get(&format!("{BASE}/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(c.get(&path).await.status, StatusCode::NOT_FOUND);
    let actions: Vec<String> = audit_of(&app, &id)
        .await
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    assert_eq!(actions, ["api_client.created", "api_client.deleted"]);
}

// ---------------------------------------------------------------- dry-run tester

#[actix_web::test]
async fn dry_run_tester_names_the_deciding_or_missing_scope() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let id = id_of(&app, BOEKHOUDING).await;
    let granted = [
        "read:customers",
        "write:customers:/contacts",
        "read:locations",
    ];
    let test = |op: &str| format!("{BASE}/{id}/test?operation={op}");
    // A whole page without htmx.
    let res = c.get(&test("location_list")).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("<html"));
    assert!(
        res.body
            .contains("Toegestaan, beslist door scope read:locations.")
    );
    assert!(
        res.body
            .contains("<option value=\"location_list\" selected>")
    );
    let res = c.get(&test("location_create")).await;
    assert!(
        res.body
            .contains("Niet toegestaan: hiervoor is write:locations nodig.")
    );
    // With htmx, only the result; for every operation of the catalogue.
    for op in Operation::ALL {
        let res = c
            .get_with(&test(op.name()), &[("HX-Request", "true")])
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", op.name());
        assert!(!res.body.contains("<html"), "a fragment");
        assert!(
            !res.body.contains("class=\"table matrix\""),
            "only the result"
        );
        let required = op.required_scope().to_string();
        let want = match expected_decider(&granted, &required) {
            Some(s) => format!("flash-success\">Toegestaan, beslist door scope {s}."),
            None => format!("flash-error\">Niet toegestaan: hiervoor is {required} nodig."),
        };
        assert!(res.body.contains(&want), "{}: {}", op.name(), res.body);
    }
    // The narrowest scope decides.
    let res = c
        .get_with(&test("contact_list"), &[("HX-Request", "true")])
        .await;
    assert!(
        res.body
            .contains("beslist door scope write:customers:/contacts.")
    );
    let res = c
        .get_with(&test("customer_get"), &[("HX-Request", "true")])
        .await;
    assert!(res.body.contains("beslist door scope read:customers."));
    // Unknown or missing operation: 400; another id: 404.
    assert_eq!(
        c.get(&test("launch_rocket")).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        c.get(&format!("{BASE}/{id}/test")).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        c.get(&format!("{BASE}/nope/test?operation=location_list"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

// ---------------------------------------------------------------- the list

#[actix_web::test]
async fn list_pages_sorts_searches_and_flags_idle_clients() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let res = c.get(BASE).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(listed(&res.body), [BOEKHOUDING, OUDE], "by name by default");
    // Status and idle badges.
    let boek = list_row(&res.body, BOEKHOUDING);
    assert!(boek.contains("badge-success\">Actief"));
    assert!(!boek.contains("ongebruikt"));
    let oude = list_row(&res.body, OUDE);
    assert!(oude.contains("badge-danger\">Geblokkeerd"));
    assert!(
        oude.contains("badge-danger\">90+ dagen ongebruikt"),
        "{oude}"
    );
    assert!(!oude.contains("30+ dagen"));
    assert!(boek.contains("read:customers") && boek.contains("Nooit gebruikt"));
    let oude_id = id_of(&app, OUDE).await;
    let page = c.get(&format!("{BASE}/{oude_id}")).await;
    assert!(page.body.contains("90+ dagen ongebruikt"));

    // Sorting.
    for (q, want) in [
        ("sortBy=name&sortDirection=DESC", [OUDE, BOEKHOUDING]),
        ("sortBy=name&sortDirection=ASC", [BOEKHOUDING, OUDE]),
        ("sortBy=createdAt&sortDirection=DESC", [BOEKHOUDING, OUDE]),
        ("sortBy=createdAt&sortDirection=ASC", [OUDE, BOEKHOUDING]),
        ("sortBy=createdAt", [OUDE, BOEKHOUDING]),
    ] {
        let res = c.get(&format!("{BASE}?{q}")).await;
        assert_eq!(res.status, StatusCode::OK, "{q}");
        assert_eq!(listed(&res.body), want, "{q}");
    }
    let res = c
        .get(&format!("{BASE}?sortBy=createdAt&sortDirection=DESC"))
        .await;
    assert!(res.body.contains("aria-sort=\"descending\""));
    assert!(
        res.body
            .contains("href=\"/settings/api-clients?sortBy=createdAt&#38;sortDirection=ASC\""),
        "the header flips"
    );
    // Last use: the recently used first when descending, the never used last,
    // the same on every backend.
    let boek_id = id_of(&app, BOEKHOUDING).await;
    let used = app.clock.now() - Duration::hours(3);
    let bid = boek_id.clone();
    app.db(move |c| {
        diesel::update(api_clients::table.find(bid))
            .set(api_clients::last_used_at.eq(Some(used)))
            .execute(c)
            .unwrap()
    })
    .await;
    let res = c
        .get(&format!("{BASE}?sortBy=lastUsedAt&sortDirection=DESC"))
        .await;
    assert_eq!(listed(&res.body), [BOEKHOUDING, OUDE]);
    let res = c
        .get(&format!("{BASE}?sortBy=lastUsedAt&sortDirection=ASC"))
        .await;
    assert_eq!(listed(&res.body), [OUDE, BOEKHOUDING]);

    // Paging.
    let res = c.get(&format!("{BASE}?pageSize=1")).await;
    assert_eq!(listed(&res.body), [BOEKHOUDING]);
    assert!(res.body.contains("pageNumber=2"), "a link to page 2");
    let res = c.get(&format!("{BASE}?pageSize=1&pageNumber=2")).await;
    assert_eq!(listed(&res.body), [OUDE]);
    let res = c
        .get(&format!(
            "{BASE}?pageSize=1&pageNumber=2&sortBy=name&sortDirection=DESC"
        ))
        .await;
    assert_eq!(listed(&res.body), [BOEKHOUDING]);
    let res = c.get(BASE).await;
    assert!(
        !res.body.contains("pageNumber=2"),
        "one page: no link to a second"
    );

    // Search: name or client id, any case, wildcards taken literally.
    for (q, want) in [
        ("webshop", vec![OUDE]),
        ("Webshop", vec![OUDE]),
        ("BOEKHOUDING", vec![BOEKHOUDING]),
        ("o", vec![BOEKHOUDING, OUDE]),
        ("%25", vec![]),
        ("e_w", vec![]),
        ("nergens", vec![]),
    ] {
        let res = c.get(&format!("{BASE}?q={q}")).await;
        assert_eq!(res.status, StatusCode::OK, "{q}");
        assert_eq!(listed(&res.body), want, "q={q}");
        if want.is_empty() {
            assert!(res.body.contains("Geen API-clients gevonden"), "q={q}");
        }
    }
    let client_id = row(&app, &boek_id).await.unwrap().client_id;
    let res = c.get(&format!("{BASE}?q={client_id}")).await;
    assert_eq!(listed(&res.body), [BOEKHOUDING]);
    let res = c
        .get(&format!("{BASE}?q={}", &client_id[3..12].to_uppercase()))
        .await;
    assert_eq!(listed(&res.body), [BOEKHOUDING]);

    // Bogus parameters fall back to the defaults without an error.
    for q in [
        "pageNumber=abc&pageSize=many&sortBy=password&sortDirection=UP",
        "pageNumber=-1&pageSize=2.5&sortBy=&sortDirection=",
        "pageNumber=0&pageSize=100000",
        "sortBy=name%3BDROP%20TABLE%20api_clients&sortDirection=desc",
        "pageSize=&pageNumber=&q=",
        "unknown=1",
    ] {
        let res = c.get(&format!("{BASE}?{q}")).await;
        assert_eq!(res.status, StatusCode::OK, "{q}");
        assert_eq!(listed(&res.body), [BOEKHOUDING, OUDE], "{q}");
    }

    // Sizes out of range are clamped.
    let res = c.get(&format!("{BASE}?pageSize=-5")).await;
    assert_eq!(listed(&res.body), [BOEKHOUDING]);

    // A month without use flags the other client too.
    app.clock.advance(Duration::days(31));
    let mut c = app.login(ADMIN).await;
    let res = c.get(BASE).await;
    let boek = list_row(&res.body, BOEKHOUDING);
    assert!(
        boek.contains("badge-warning\">30+ dagen ongebruikt"),
        "{boek}"
    );
    assert!(list_row(&res.body, OUDE).contains("90+ dagen ongebruikt"));
}

// ---------------------------------------------------------------- audit

#[actix_web::test]
async fn every_change_is_audited_without_secrets() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let (id, first) = create(&mut c, "Gecontroleerd", &["read:locations"]).await;
    let path = format!("{BASE}/{id}");
    let res = c
        .post(
            &path,
            &[
                ("name", "Gecontroleerd"),
                ("version", "1"),
                ("confirm", "1"),
                ("scope", "write:locations"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = c.post(&format!("{path}/rotate"), &[("grace", "24h")]).await;
    let second = shown_secret(&c.get(&res.location()).await.body).unwrap();
    c.post(&format!("{path}/disable"), &[]).await;
    c.post(&format!("{path}/enable"), &[]).await;
    let res = c
        .post(
            &format!("{path}/delete"),
            &[("confirm_name", "Gecontroleerd")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let events = audit_of(&app, &id).await;
    let actions: Vec<&str> = events.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        actions,
        [
            "api_client.created",
            "api_client.updated",
            "api_client.secret_rotated",
            "api_client.disabled",
            "api_client.enabled",
            "api_client.deleted",
        ]
    );
    let created: serde_json::Value = serde_json::from_str(events[0].1.as_deref().unwrap()).unwrap();
    assert_eq!(created["name"], "Gecontroleerd");
    assert_eq!(created["scopes"], "read:locations");
    let updated: serde_json::Value = serde_json::from_str(events[1].1.as_deref().unwrap()).unwrap();
    assert_eq!(
        updated["scopesAdded"],
        serde_json::json!(["write:locations"])
    );
    assert_eq!(
        updated["scopesRemoved"],
        serde_json::json!(["read:locations"])
    );
    let (actor, org): (String, Option<String>) = app
        .db({
            let id = id.clone();
            move |c| {
                audit_events::table
                    .filter(audit_events::resource_id.eq(id))
                    .filter(audit_events::action.eq("api_client.deleted"))
                    .select((audit_events::actor_label, audit_events::organization_id))
                    .first(c)
                    .unwrap()
            }
        })
        .await;
    assert_eq!(actor, "Bea Beheer");
    assert!(org.is_some());
    assert_no_secret_in_audit(&app, &[&first, &second]).await;
}

// ---------------------------------------------------------------- roles

#[actix_web::test]
async fn staff_get_403_on_every_route_and_no_link() {
    let app = TestApp::demo().await;
    let id = id_of(&app, BOEKHOUDING).await;
    let mut staff = app.login(STAFF).await;
    for path in [
        BASE.to_string(),
        format!("{BASE}?pageSize=1"),
        format!("{BASE}/new"),
        format!("{BASE}/{id}"),
        format!("{BASE}/{id}/edit"),
        format!("{BASE}/{id}/secret"),
        format!("{BASE}/{id}/test?operation=location_list"),
        format!("{BASE}/{id}/delete"),
    ] {
        let res = staff.get(&path).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "GET {path}");
        assert!(
            !res.body.contains("Boekhouding"),
            "GET {path} leaks nothing"
        );
    }
    let scope = ("scope", "read:locations");
    let posts: Vec<(String, Fields)> = vec![
        (BASE.to_string(), vec![("name", "Van medewerker"), scope]),
        (format!("{BASE}/matrix"), vec![scope]),
        (
            format!("{BASE}/matrix"),
            vec![scope, ("client", id.as_str())],
        ),
        (
            format!("{BASE}/{id}"),
            vec![
                ("name", "Overgenomen"),
                ("version", "1"),
                ("confirm", "1"),
                scope,
            ],
        ),
        (format!("{BASE}/{id}/rotate"), vec![("grace", "1h")]),
        (format!("{BASE}/{id}/disable"), vec![]),
        (format!("{BASE}/{id}/enable"), vec![]),
        (
            format!("{BASE}/{id}/delete"),
            vec![("confirm_name", BOEKHOUDING)],
        ),
    ];
    for (path, fields) in &posts {
        let res = staff.post(path, fields).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "POST {path}");
        assert!(res.set_cookie("portaal_once").is_none());
    }
    let res = htmx_post(&mut staff, &format!("{BASE}/matrix"), &[scope]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // Nothing changed.
    let client = row(&app, &id).await.unwrap();
    assert_eq!(
        (client.name.as_str(), client.version, client.disabled),
        (BOEKHOUDING, 1, false)
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM api_clients").await, 2);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM api_client_secrets")
            .await,
        2
    );
    // The navigation: no link for staff, a link for admins.
    let dash = staff.get("/").await;
    assert_eq!(dash.status, StatusCode::OK);
    assert!(!dash.body.contains("/settings/api-clients"));
    assert!(!dash.body.contains("API-clients"));
    let mut admin = app.login(ADMIN).await;
    let dash = admin.get("/").await;
    assert!(dash.body.contains("href=\"/settings/api-clients\""));
    assert!(dash.body.contains("API-clients"));
    // Not logged in: to the login page.
    let mut anon = app.client();
    let res = anon.get(BASE).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.location().starts_with("/login"), "{}", res.location());
}

// ---------------------------------------------------------------- tenants

#[actix_web::test]
async fn another_organisation_sees_and_touches_nothing() {
    let app = TestApp::demo().await;
    let id = id_of(&app, BOEKHOUDING).await;
    let oude = id_of(&app, OUDE).await;
    let before = row(&app, &id).await.unwrap();
    let mut other = other_org_admin(&app).await;
    // Its own list is empty, whatever is searched.
    let res = other.get(BASE).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(listed(&res.body).is_empty());
    assert!(res.body.contains("Er zijn nog geen API-clients"));
    assert!(!res.body.contains(BOEKHOUDING) && !res.body.contains(OUDE));
    let res = other.get(&format!("{BASE}?q={}", before.client_id)).await;
    assert!(listed(&res.body).is_empty());
    assert!(!res.body.contains(BOEKHOUDING));
    for target in [&id, &oude] {
        for path in [
            format!("{BASE}/{target}"),
            format!("{BASE}/{target}/edit"),
            format!("{BASE}/{target}/secret"),
            format!("{BASE}/{target}/test?operation=location_list"),
            format!("{BASE}/{target}/delete"),
        ] {
            let res = other.get(&path).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "GET {path}");
            assert!(!res.body.contains(BOEKHOUDING) && !res.body.contains(OUDE));
        }
        let scope = ("scope", "read:locations");
        let posts: Vec<(String, Fields)> = vec![
            (
                format!("{BASE}/{target}"),
                vec![
                    ("name", "Gekaapt"),
                    ("version", "1"),
                    ("confirm", "1"),
                    scope,
                ],
            ),
            (
                format!("{BASE}/{target}"),
                vec![
                    ("name", "Gekaapt"),
                    ("version", "2"),
                    ("confirm", "1"),
                    scope,
                ],
            ),
            (format!("{BASE}/{target}/rotate"), vec![("grace", "now")]),
            (format!("{BASE}/{target}/disable"), vec![]),
            (format!("{BASE}/{target}/enable"), vec![]),
            (
                format!("{BASE}/{target}/delete"),
                vec![("confirm_name", BOEKHOUDING)],
            ),
            (
                format!("{BASE}/{target}/delete"),
                vec![("confirm_name", OUDE)],
            ),
            (
                format!("{BASE}/matrix"),
                vec![scope, ("client", target.as_str())],
            ),
        ];
        for (path, fields) in &posts {
            let res = other.post(path, fields).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "POST {path} {fields:?}");
            assert!(res.set_cookie("portaal_once").is_none());
        }
    }
    // Nothing changed in Demo BV.
    let after = row(&app, &id).await.unwrap();
    assert_eq!(
        (
            after.name.as_str(),
            after.version,
            after.disabled,
            after.scopes.as_str()
        ),
        (BOEKHOUDING, 1, false, before.scopes.as_str())
    );
    assert!(row(&app, &oude).await.unwrap().disabled);
    assert_eq!(secrets(&app, &id).await.len(), 1);
    assert_eq!(secrets(&app, &id).await[0].1, None);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM api_client_secrets")
            .await,
        2
    );
    assert_eq!(audit_of(&app, &id).await.len(), 1);
    // Its own clients stay its own.
    let (theirs, _) = create(&mut other, "Eigen koppeling", &["read:locations"]).await;
    let mut demo = app.login(ADMIN).await;
    let res = demo.get(BASE).await;
    assert_eq!(listed(&res.body), [BOEKHOUDING, OUDE]);
    assert_eq!(
        demo.get(&format!("{BASE}/{theirs}")).await.status,
        StatusCode::NOT_FOUND
    );
    let res = demo.post(&format!("{BASE}/{theirs}/disable"), &[]).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(!row(&app, &theirs).await.unwrap().disabled);
}

#[actix_web::test]
async fn the_expiry_day_is_a_day_in_the_organisations_time_zone() {
    let app = TestApp::demo().await;
    let mut c = app.login(ADMIN).await;
    let res = c
        .post(
            BASE,
            &[
                ("name", "Zomerproject"),
                ("expires_on", "2030-06-30"),
                ("scope", "read:locations"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let id = id_of(&app, "Zomerproject").await;
    // It works through 30 June in Amsterdam (summer time, UTC+2): it ends
    // at midnight there, 22:00 UTC.
    let stored = {
        let id = id.clone();
        app.db(move |conn| {
            api_clients::table
                .find(id)
                .select(api_clients::expires_at)
                .first::<Option<NaiveDateTime>>(conn)
                .unwrap()
        })
        .await
    };
    assert_eq!(
        stored,
        Some("2030-06-30T22:00:00".parse::<NaiveDateTime>().unwrap())
    );
    let page = c.get(&format!("{BASE}/{id}")).await.body;
    assert!(page.contains("<dd>t/m 30 jun. 2030</dd>"), "{page}");
    let edit = c.get(&format!("{BASE}/{id}/edit")).await.body;
    assert!(edit.contains("value=\"2030-06-30\""), "{edit}");
}
