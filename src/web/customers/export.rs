//! The customers list as CSV: every customer its search finds, in its
//! order, one row per contact (the customer's columns repeated), a
//! customer without contacts on one row of its own.

use super::*;
use crate::web::csv;

pub(super) async fn export(
    m: Member,
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    m.actor.require(Operation::CustomerList)?;
    let request = params.lenient(&customers::SORT);
    let (now, actor, t) = (state.clock.now(), m.actor.clone(), m.lang.t());
    let header = [
        t.name,
        t.cust_type,
        t.email,
        t.cust_phone,
        t.cust_country,
        t.contact_firstname,
        t.contact_lastname,
        t.cust_export_contact_email,
        t.contact_mobile,
    ];
    csv::download(&state, &m, t.cust_export_file, &header, move |conn, out| {
        customers::export(conn, now, &actor, &request, &mut |rows| {
            rows.iter().all(|(c, contacts)| {
                let customer = [
                    c.name.as_str(),
                    type_label(t, &c.customer_type),
                    &c.email,
                    &c.phone,
                    c.country_code.as_deref().unwrap_or_default(),
                ];
                if contacts.is_empty() {
                    return out.row(&customer);
                }
                contacts.iter().all(|p| {
                    let contact = [
                        p.firstname.as_str(),
                        &p.lastname,
                        p.email.as_deref().unwrap_or_default(),
                        p.mobile.as_deref().unwrap_or_default(),
                    ];
                    out.row(&[&customer[..], &contact[..]].concat())
                })
            })
        })
    })
    .await
}
