//! The screen that shows an audited record: the dashboard's recent
//! activity and the audit log link an event's record there while it exists.

use crate::domain::audit::About;

/// The page of the record `id` of `resource_type` that `about` describes,
/// or `None` when it no longer exists or has no page of its own.
pub fn href(resource_type: &str, id: Option<&str>, about: &About) -> Option<String> {
    let id = id.filter(|_| about.exists)?;
    Some(match resource_type {
        "location" => format!("/locations/{id}"),
        "customer" => format!("/customers/{id}"),
        "contact" => format!("/customers/{}", about.customer_id.as_deref()?),
        "meeting" => format!("/meetings/{id}"),
        "api_client" => format!("/settings/api-clients/{id}"),
        "membership" | "invitation" | "user" => "/settings/users".to_string(),
        "organization" => "/settings/organization".to_string(),
        _ => return None,
    })
}

/// The record was deleted since: a kind of record that is deleted and has
/// a page, no longer there. (A member who left, or an invitation that was
/// accepted, is not called deleted.)
pub fn deleted(resource_type: &str, id: Option<&str>, about: &About) -> bool {
    id.is_some()
        && !about.exists
        && matches!(
            resource_type,
            "location" | "customer" | "contact" | "meeting" | "api_client"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_of_records_that_exist() {
        let here = About {
            exists: true,
            ..About::default()
        };
        assert_eq!(
            href("location", Some("l1"), &here).as_deref(),
            Some("/locations/l1")
        );
        assert_eq!(href("location", Some("l1"), &About::default()), None);
        assert_eq!(href("location", None, &here), None);
        assert_eq!(
            href("contact", Some("c1"), &here),
            None,
            "no customer known"
        );
        let contact = About {
            exists: true,
            customer_id: Some("k1".into()),
            ..About::default()
        };
        assert_eq!(
            href("contact", Some("c1"), &contact).as_deref(),
            Some("/customers/k1")
        );
        assert_eq!(
            href("invitation", Some("i1"), &here).as_deref(),
            Some("/settings/users")
        );
        assert_eq!(href("language", Some("nl"), &here), None);
    }
}
