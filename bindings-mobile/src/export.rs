//! Everything a book holds about one contact (the core's `model::export`).

use crate::activity::Activity;
use contactkit as core;
use contactkit::{Contact, SuppressionRecord};

/// A contact's data in one value, for a person's right of access and portability: the
/// profile as `get` returns it, the whole timeline newest first, and every suppression
/// record kept at the contact's addresses (its email, its phone and, for push and
/// Telegram, its id), address by address in that order, each oldest first.
///
/// A binding record, not the core's, since its timeline is this binding's [`Activity`].
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ContactExport {
    /// The profile card.
    pub contact: Contact,
    /// Every campaign, event and order, newest first.
    pub activity: Vec<Activity>,
    /// Every suppression record at the contact's addresses, lifted ones too.
    pub suppressions: Vec<SuppressionRecord>,
}

impl From<core::ContactExport> for ContactExport {
    fn from(export: core::ContactExport) -> Self {
        ContactExport {
            contact: export.contact,
            activity: export.activity.into_iter().map(Into::into).collect(),
            suppressions: export.suppressions,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::activity::{Activity, EventInput};
    use crate::book::ContactBook;
    use crate::contact::ContactInput;
    use contactkit::Channel;

    #[test]
    fn an_export_carries_the_binding_s_activity_and_the_core_s_records() {
        let book = ContactBook::in_memory();
        let input = ContactInput {
            email: Some("ann@example.com".into()),
            ..ContactInput::default()
        };
        let ann = book.create(input).unwrap();
        let event = EventInput {
            name: "viewed".into(),
            key_value: None,
            params: None,
            workflows: Vec::new(),
            at: None,
        };
        book.record_event(ann.id.clone(), event).unwrap();
        book.unsubscribe(ann.id.clone(), Channel::Email, None, None)
            .unwrap();
        let export = book.export_contact(ann.id.clone()).unwrap();
        assert_eq!(
            Some(export.contact.clone()),
            book.get(ann.id.clone()).unwrap()
        );
        assert!(
            matches!(&export.activity[..], [Activity::Event { detail, .. }] if detail.name == "viewed")
        );
        assert_eq!(
            export.suppressions,
            book.suppressions(Channel::Email, "ann@example.com".into())
                .unwrap()
        );
        book.erase(ann.id.clone()).unwrap();
        assert_eq!(book.get(ann.id.clone()).unwrap(), None);
        assert!(book.export_contact(ann.id).is_err());
    }
}
