//! Contact request and response types (`create_contact_request`, `contact`, ...).

use serde::{Deserialize, Serialize};

use crate::common::{AddressableList, CustomAttributes};
use crate::ids::{AdminId, ContactId};
use crate::serde_helpers::null_as_default;
use crate::timestamp::Timestamp;

open_enum! {
    /// Whether a contact is a user (identified, unique by email / external id) or a lead.
    pub enum ContactRole {
        /// An identified user.
        User = "user",
        /// An unidentified lead (leads may share an email).
        Lead = "lead",
    }
}

/// The fields of `POST /contacts` (`create_contact_request`) and `PUT /contacts/{id}`
/// (`update_contact_request`); the two schemas have the same fields.
///
/// Creating needs at least one of `role`, `external_id` or `email`. Contacts have no settable
/// `created_at`: keep the original date in `signed_up_at` or a custom attribute.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContactRequest {
    /// `user` or `lead`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<ContactRole>,
    /// Your own unique id for the user (the migrator sends the Vivantio id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Email address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Marks the email as verified (needs `email` in the same request).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    /// Phone number, preferably E.164.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Full name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// URL of an avatar image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// When the user signed up (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_up_at: Option<Timestamp>,
    /// When the user was last seen (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seen_at: Option<Timestamp>,
    /// The admin who owns the contact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<AdminId>,
    /// Whether the contact unsubscribed from emails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsubscribed_from_emails: Option<bool>,
    /// Values of existing contact data attributes, keyed by attribute name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_attributes: Option<CustomAttributes>,
}

/// Body of `POST /contacts`.
pub type CreateContactRequest = ContactRequest;
/// Body of `PUT /contacts/{id}`; only the fields set are changed.
pub type UpdateContactRequest = ContactRequest;

impl ContactRequest {
    /// A user identified by your external id.
    pub fn user(external_id: impl Into<String>) -> Self {
        ContactRequest {
            role: Some(ContactRole::User),
            external_id: Some(external_id.into()),
            ..Self::default()
        }
    }

    /// A lead.
    pub fn lead() -> Self {
        ContactRequest {
            role: Some(ContactRole::Lead),
            ..Self::default()
        }
    }

    /// Sets the email.
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Sets the phone number.
    pub fn phone(mut self, phone: impl Into<String>) -> Self {
        self.phone = Some(phone.into());
        self
    }

    /// Sets the name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the sign-up time (Unix seconds).
    pub fn signed_up_at(mut self, at: impl Into<Timestamp>) -> Self {
        self.signed_up_at = Some(at.into());
        self
    }

    /// Sets one custom attribute.
    pub fn custom_attribute(
        mut self,
        name: impl Into<String>,
        value: impl Into<serde_json::Value>,
    ) -> Self {
        self.custom_attributes
            .get_or_insert_with(CustomAttributes::new)
            .insert(name.into(), value.into());
        self
    }

    /// Whether the create schema's `anyOf` (email, external_id or role) is satisfied.
    pub(crate) fn identifies_contact(&self) -> bool {
        self.role.is_some() || self.external_id.is_some() || self.email.is_some()
    }
}

/// A contact (`contact` schema).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Contact {
    /// Always `contact`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Intercom's id.
    pub id: ContactId,
    /// Your external id.
    #[serde(default)]
    pub external_id: Option<String>,
    /// The workspace id.
    #[serde(default)]
    pub workspace_id: Option<String>,
    /// `user` or `lead`.
    #[serde(default)]
    pub role: Option<ContactRole>,
    /// Email address.
    #[serde(default)]
    pub email: Option<String>,
    /// Domain of the email address.
    #[serde(default)]
    pub email_domain: Option<String>,
    /// Phone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Id of the owning admin.
    #[serde(default)]
    pub owner_id: Option<AdminId>,
    /// Whether emails to the contact hard-bounced.
    #[serde(default)]
    pub has_hard_bounced: Option<bool>,
    /// Whether the contact marked an email as spam.
    #[serde(default)]
    pub marked_email_as_spam: Option<bool>,
    /// Whether the contact unsubscribed from emails.
    #[serde(default)]
    pub unsubscribed_from_emails: Option<bool>,
    /// Creation time in Intercom (Unix seconds; not settable).
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// Last update (Unix seconds).
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    /// Sign-up time (Unix seconds).
    #[serde(default)]
    pub signed_up_at: Option<Timestamp>,
    /// Last seen (Unix seconds).
    #[serde(default)]
    pub last_seen_at: Option<Timestamp>,
    /// Last reply (Unix seconds).
    #[serde(default)]
    pub last_replied_at: Option<Timestamp>,
    /// Last contacted by a teammate (Unix seconds).
    #[serde(default)]
    pub last_contacted_at: Option<Timestamp>,
    /// Last email opened (Unix seconds).
    #[serde(default)]
    pub last_email_opened_at: Option<Timestamp>,
    /// Last email link clicked (Unix seconds).
    #[serde(default)]
    pub last_email_clicked_at: Option<Timestamp>,
    /// Language chosen for the Messenger.
    #[serde(default)]
    pub language_override: Option<String>,
    /// Browser name.
    #[serde(default)]
    pub browser: Option<String>,
    /// Browser version.
    #[serde(default)]
    pub browser_version: Option<String>,
    /// Browser language.
    #[serde(default)]
    pub browser_language: Option<String>,
    /// Operating system.
    #[serde(default)]
    pub os: Option<String>,
    /// Android app name.
    #[serde(default)]
    pub android_app_name: Option<String>,
    /// Android app version.
    #[serde(default)]
    pub android_app_version: Option<String>,
    /// Android device.
    #[serde(default)]
    pub android_device: Option<String>,
    /// Android OS version.
    #[serde(default)]
    pub android_os_version: Option<String>,
    /// Android SDK version.
    #[serde(default)]
    pub android_sdk_version: Option<String>,
    /// Last seen on Android (Unix seconds).
    #[serde(default)]
    pub android_last_seen_at: Option<Timestamp>,
    /// iOS app name.
    #[serde(default)]
    pub ios_app_name: Option<String>,
    /// iOS app version.
    #[serde(default)]
    pub ios_app_version: Option<String>,
    /// iOS device.
    #[serde(default)]
    pub ios_device: Option<String>,
    /// iOS version.
    #[serde(default)]
    pub ios_os_version: Option<String>,
    /// iOS SDK version.
    #[serde(default)]
    pub ios_sdk_version: Option<String>,
    /// Last seen on iOS (Unix seconds).
    #[serde(default)]
    pub ios_last_seen_at: Option<Timestamp>,
    /// Custom attribute values.
    #[serde(default, deserialize_with = "null_as_default")]
    pub custom_attributes: CustomAttributes,
    /// Avatar image.
    #[serde(default)]
    pub avatar: Option<ContactAvatar>,
    /// Tags applied (references only).
    #[serde(default)]
    pub tags: Option<AddressableList>,
    /// Notes (references only).
    #[serde(default)]
    pub notes: Option<AddressableList>,
    /// Companies the contact belongs to (references only).
    #[serde(default)]
    pub companies: Option<AddressableList>,
    /// Location.
    #[serde(default)]
    pub location: Option<ContactLocation>,
    /// Social profiles.
    #[serde(default)]
    pub social_profiles: Option<SocialProfiles>,
    /// Whether the contact enabled push messaging.
    #[serde(default)]
    pub enabled_push_messaging: Option<bool>,
}

/// A contact's avatar.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ContactAvatar {
    /// Always `avatar`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Image URL.
    #[serde(default)]
    pub image_url: Option<String>,
}

/// A contact's location.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ContactLocation {
    /// Always `location`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Country.
    #[serde(default)]
    pub country: Option<String>,
    /// Region.
    #[serde(default)]
    pub region: Option<String>,
    /// City.
    #[serde(default)]
    pub city: Option<String>,
    /// ISO country code.
    #[serde(default)]
    pub country_code: Option<String>,
    /// Continent code.
    #[serde(default)]
    pub continent_code: Option<String>,
}

/// A contact's social profiles.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SocialProfiles {
    /// The profiles.
    #[serde(default, deserialize_with = "null_as_default")]
    pub data: Vec<SocialProfile>,
}

/// One social profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SocialProfile {
    /// The network's name.
    #[serde(default)]
    pub name: Option<String>,
    /// Profile URL.
    #[serde(default)]
    pub url: Option<String>,
}

/// Answer to `DELETE /contacts/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ContactDeleted {
    /// The deleted contact's id.
    pub id: ContactId,
    /// Its external id.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Always true on success.
    #[serde(default)]
    pub deleted: bool,
}

/// Answer to archive / unarchive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ContactArchived {
    /// The contact's id.
    pub id: ContactId,
    /// Its external id.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Whether it is now archived.
    #[serde(default)]
    pub archived: bool,
}

/// Options of a contact search.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactSearchOptions {
    /// Items per page (Intercom's default is 50, maximum 150).
    pub per_page: Option<u32>,
    /// Sort order.
    pub sort: Option<crate::search::SearchSort>,
}
