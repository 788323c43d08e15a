//! Reference data: every ISO 3166-1 alpha-2 country and ISO 639-1 language
//! with its Dutch and English name (loaded by a migration, read-only), and the
//! languages an organisation has switched on.

use std::sync::Arc;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{countries, languages, organization_languages};
use crate::db::{self, DbConn};
use crate::domain::actor::Actor;
use crate::domain::audit::{self, Event};
use crate::domain::paging::{Page, PageRequest, SortSpec};
use crate::domain::scopes::Operation;
use crate::error::AppError;
use crate::i18n::Lang;

/// A country (ISO 3166-1 alpha-2 code, upper case).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = countries)]
pub struct Country {
    pub code: String,
    pub name_nl: String,
    pub name_en: String,
    /// A member state of the European Union (for VAT).
    pub eu: bool,
}

impl Country {
    /// The name in `lang`.
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Nl => &self.name_nl,
            Lang::En => &self.name_en,
        }
    }
}

/// A language (ISO 639-1 code, lower case).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = languages)]
pub struct Language {
    pub code: String,
    pub name_nl: String,
    pub name_en: String,
}

impl Language {
    /// The name in `lang`.
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Nl => &self.name_nl,
            Lang::En => &self.name_en,
        }
    }
}

/// The countries as loaded once: reference data that migrations ship and
/// nothing at run time changes.
static COUNTRIES: std::sync::OnceLock<Arc<Vec<Country>>> = std::sync::OnceLock::new();
/// The same, by name in Dutch and in English (for pickers).
static BY_NAME: [std::sync::OnceLock<Arc<Vec<Country>>>; 2] =
    [std::sync::OnceLock::new(), std::sync::OnceLock::new()];

/// Every country, by code (read once per process).
pub fn countries(conn: &mut DbConn) -> QueryResult<Arc<Vec<Country>>> {
    if let Some(all) = COUNTRIES.get() {
        return Ok(all.clone());
    }
    let all: Vec<Country> = countries::table
        .order(countries::code.asc())
        .select(Country::as_select())
        .load(conn)?;
    Ok(COUNTRIES.get_or_init(|| Arc::new(all)).clone())
}

/// Every country, by its name in `lang` (for a picker).
pub fn countries_by_name(conn: &mut DbConn, lang: Lang) -> QueryResult<Arc<Vec<Country>>> {
    let slot = &BY_NAME[usize::from(lang == Lang::En)];
    if let Some(sorted) = slot.get() {
        return Ok(sorted.clone());
    }
    let mut sorted = (*countries(conn)?).clone();
    sorted.sort_by(|a, b| a.name(lang).cmp(b.name(lang)));
    Ok(slot.get_or_init(|| Arc::new(sorted)).clone())
}

/// One country by its code (exactly as stored: upper case).
pub fn country(conn: &mut DbConn, code: &str) -> QueryResult<Option<Country>> {
    countries::table
        .find(code)
        .select(Country::as_select())
        .first(conn)
        .optional()
}

/// Every language, by code.
pub fn languages(conn: &mut DbConn) -> QueryResult<Vec<Language>> {
    languages::table
        .order(languages::code.asc())
        .select(Language::as_select())
        .load(conn)
}

/// One language by its code (exactly as stored: lower case).
pub fn language(conn: &mut DbConn, code: &str) -> QueryResult<Option<Language>> {
    languages::table
        .find(code)
        .select(Language::as_select())
        .first(conn)
        .optional()
}

/// How the list of all languages may be sorted (by its name in the reader's
/// language unless asked otherwise).
pub const LANGUAGE_SORT: SortSpec = SortSpec {
    fields: &["name", "code"],
    default: "name",
    default_desc: false,
};

/// One page of every language, searched by code or by its name in `lang`
/// (case-insensitive), sorted by code or by that name.
pub fn list_languages(
    conn: &mut DbConn,
    page: PageRequest,
    lang: Lang,
) -> QueryResult<Page<Language>> {
    let filtered = || {
        let mut q = languages::table.into_boxed();
        if let Some(like) = page.like() {
            q = match lang {
                Lang::Nl => q.filter(
                    db::lower(languages::name_nl)
                        .like(like.clone())
                        .escape('\\')
                        .or(db::lower(languages::code).like(like).escape('\\')),
                ),
                Lang::En => q.filter(
                    db::lower(languages::name_en)
                        .like(like.clone())
                        .escape('\\')
                        .or(db::lower(languages::code).like(like).escape('\\')),
                ),
            };
        }
        q
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let q = filtered();
    let q = match (page.sort, page.desc, lang) {
        ("code", false, _) => q.order(languages::code.asc()),
        ("code", true, _) => q.order(languages::code.desc()),
        (_, false, Lang::Nl) => q.order((languages::name_nl.asc(), languages::code.asc())),
        (_, true, Lang::Nl) => q.order((languages::name_nl.desc(), languages::code.desc())),
        (_, false, Lang::En) => q.order((languages::name_en.asc(), languages::code.asc())),
        (_, true, Lang::En) => q.order((languages::name_en.desc(), languages::code.desc())),
    };
    let items = q
        .limit(page.size)
        .offset(page.offset())
        .select(Language::as_select())
        .load(conn)?;
    Ok(Page {
        items,
        request: page,
        total,
    })
}

/// The languages `organization_id` has switched on, by code.
pub fn enabled_languages(conn: &mut DbConn, organization_id: &str) -> QueryResult<Vec<Language>> {
    organization_languages::table
        .inner_join(languages::table)
        .filter(organization_languages::organization_id.eq(organization_id))
        .order(languages::code.asc())
        .select(Language::as_select())
        .load(conn)
}

/// Switch a language on or off for the actor's organisation. Needs
/// `language_enable` to switch on and `language_disable` to switch off; an
/// unknown code is `NotFound`. Idempotent: only an actual change is written
/// and audited (`language.enabled` / `language.disabled`).
pub fn set_language_enabled(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    code: &str,
    enabled: bool,
) -> Result<(), AppError> {
    actor.require(if enabled {
        Operation::LanguageEnable
    } else {
        Operation::LanguageDisable
    })?;
    let org = actor.organization_id.as_str();
    db::write(conn, |conn| {
        if language(conn, code)?.is_none() {
            return Err(AppError::NotFound);
        }
        let this = organization_languages::table
            .filter(organization_languages::organization_id.eq(org))
            .filter(organization_languages::language_code.eq(code));
        let is_on: bool = diesel::select(diesel::dsl::exists(this)).get_result(conn)?;
        if is_on == enabled {
            return Ok(());
        }
        let action = if enabled {
            diesel::insert_into(organization_languages::table)
                .values((
                    organization_languages::organization_id.eq(org),
                    organization_languages::language_code.eq(code),
                    organization_languages::created_at.eq(now),
                ))
                .execute(conn)?;
            "language.enabled"
        } else {
            diesel::delete(this).execute(conn)?;
            "language.disabled"
        };
        audit::record(
            conn,
            now,
            &actor.audit(),
            Event::new(Some(org), action, "language", Some(code)),
        )?;
        Ok(())
    })
}

/// Every country, for an actor who may list them.
pub fn country_list(conn: &mut DbConn, actor: &Actor) -> Result<Vec<Country>, AppError> {
    actor.require(Operation::CountryList)?;
    Ok((*countries(conn)?).clone())
}

/// One country by code (any case), for an actor who may see it.
pub fn country_get(conn: &mut DbConn, actor: &Actor, code: &str) -> Result<Country, AppError> {
    actor.require(Operation::CountryGet)?;
    country(conn, &code.to_ascii_uppercase())?.ok_or(AppError::NotFound)
}

/// One page of every language and the codes the actor's organisation has
/// switched on.
pub fn language_page(
    conn: &mut DbConn,
    actor: &Actor,
    page: PageRequest,
    lang: Lang,
) -> Result<(Page<Language>, Vec<String>), AppError> {
    actor.require(Operation::LanguageList)?;
    let enabled = enabled_languages(conn, &actor.organization_id)?
        .into_iter()
        .map(|l| l.code)
        .collect();
    Ok((list_languages(conn, page, lang)?, enabled))
}

/// One language by code (any case), and whether the organisation has it on.
pub fn language_get(
    conn: &mut DbConn,
    actor: &Actor,
    code: &str,
) -> Result<(Language, bool), AppError> {
    actor.require(Operation::LanguageGet)?;
    let language = language(conn, &code.to_ascii_lowercase())?.ok_or(AppError::NotFound)?;
    let on = enabled_languages(conn, &actor.organization_id)?
        .iter()
        .any(|l| l.code == language.code);
    Ok((language, on))
}
