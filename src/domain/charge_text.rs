//! What a charge is called, in one language: the words of a line of the
//! next invoice's preview and of an issued invoice, which must read alike.
//! A charge is named by its stored kind (`seats`, `addon`, `seats_added`,
//! `addon_added`, `plan_upgrade`) and detail (a plan code, a module, or
//! "from to" plan codes), as `subscription_charges` and `invoice_lines`
//! keep them.

use crate::domain::modules::Module;
use crate::domain::proration::{Line, LineKind};
use crate::i18n::{Lang, fill};

/// The stored kind and detail of a preview's line.
pub fn stored(kind: &LineKind) -> (&'static str, String) {
    match kind {
        LineKind::SeatsAdded { plan_code } => ("seats_added", plan_code.clone()),
        LineKind::AddonAdded(m) => ("addon_added", m.as_str().to_string()),
        LineKind::PlanUpgrade { from, to } => ("plan_upgrade", format!("{from} {to}")),
        LineKind::Seats { plan_code } => ("seats", plan_code.clone()),
        LineKind::Addon(m) => ("addon", m.as_str().to_string()),
    }
}

/// "3 × plaats Plus", "Module API toegevoegd (naar rato)", … `plan_name`
/// names a plan by its code in `lang`.
pub fn describe(
    lang: Lang,
    kind: &str,
    detail: &str,
    quantity: i64,
    plan_name: &dyn Fn(&str) -> String,
) -> String {
    let t = lang.t();
    let module =
        || Module::parse(detail).map_or_else(|| detail.to_string(), |m| m.label(lang).into());
    match kind {
        "seats_added" if quantity == 1 => fill(t.sub_line_seat_added, &[&plan_name(detail)]),
        "seats_added" => fill(t.sub_line_seats_added, &[&quantity, &plan_name(detail)]),
        "addon_added" => fill(t.sub_line_addon_added, &[&module()]),
        "plan_upgrade" => {
            let (from, to) = detail.split_once(' ').unwrap_or((detail, ""));
            fill(t.sub_line_upgrade, &[&plan_name(from), &plan_name(to)])
        }
        "addon" => fill(t.sub_line_addon, &[&module()]),
        "discount" => fill(t.sub_line_discount, &[&detail]),
        _ => fill(t.sub_line_seats, &[&quantity, &plan_name(detail)]),
    }
}

/// The words of a preview's line.
pub fn describe_line(lang: Lang, l: &Line, plan_name: &dyn Fn(&str) -> String) -> String {
    let (kind, detail) = stored(&l.kind);
    describe(lang, kind, &detail, l.quantity, plan_name)
}
