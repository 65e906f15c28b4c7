//! Organisations to companies, and company domains.

use crate::keys::RecordKey;
use crate::model::destination::CompanyRecord;
use crate::model::source::{FieldValue, Organisation, SourceKind, SourceRef};
use crate::ops::{DestinationOp, Operation, Phase};
use crate::reject::{ReasonCode, Rejection};
use crate::spec::{BuiltinField, TargetModel};

use super::email::{email_domain, normalise_email};
use super::{Gathered, Mapped, Mapper};

/// Free-mail domains that say nothing about a company.
const FREE_MAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "hotmail.com",
    "hotmail.co.uk",
    "outlook.com",
    "live.com",
    "msn.com",
    "yahoo.com",
    "yahoo.co.uk",
    "icloud.com",
    "me.com",
    "aol.com",
    "gmx.com",
    "gmx.de",
    "web.de",
    "proton.me",
    "protonmail.com",
    "mail.com",
    "zoho.com",
    "yandex.com",
];

/// Whether a domain is a free-mail provider's.
pub fn is_free_mail_domain(domain: &str) -> bool {
    FREE_MAIL
        .iter()
        .any(|free| free.eq_ignore_ascii_case(domain.trim()))
}

/// A website as typed, normalised: scheme added (`https://`), host lowercased, trailing slash
/// dropped. `None` when it has no host with a dot.
pub fn normalise_website(raw: &str) -> Option<String> {
    let text = raw.trim();
    if text.is_empty() || text.chars().any(char::is_whitespace) {
        return None;
    }
    let (scheme, rest) = match text.split_once("://") {
        Some((scheme, rest))
            if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") =>
        {
            (scheme.to_ascii_lowercase(), rest)
        }
        Some(_) => return None,
        None => ("https".to_string(), text),
    };
    let (host, path) = match rest.find('/') {
        Some(index) => (&rest[..index], &rest[index..]),
        None => (rest, ""),
    };
    let host = host.to_lowercase();
    let valid_host = host.contains('.')
        && host.split('.').all(|label| {
            !label.is_empty()
                && label
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == ':')
        });
    if !valid_host {
        return None;
    }
    let path = path.trim_end_matches('/');
    Some(format!("{scheme}://{host}{path}"))
}

/// The company's website: its own when valid, else (when allowed) `https://` + the domain of
/// its email suffix or email address, unless that is a free-mail domain.
pub fn company_website(
    website: Option<&str>,
    email_suffix: Option<&str>,
    email: Option<&str>,
    from_email: bool,
) -> Option<String> {
    if let Some(site) = website.and_then(normalise_website) {
        return Some(site);
    }
    if !from_email {
        return None;
    }
    let suffix = email_suffix
        .map(|suffix| suffix.trim().trim_start_matches('@').to_lowercase())
        .filter(|suffix| !suffix.is_empty());
    let from_address = || {
        let address = normalise_email(email).ok()?.address;
        email_domain(&address).map(str::to_string)
    };
    let domain = suffix.or_else(from_address)?;
    if is_free_mail_domain(&domain) {
        return None;
    }
    normalise_website(&domain)
}

impl Mapper {
    /// Maps an organisation to a company upsert.
    pub fn map_organisation(&self, organisation: &Organisation) -> Result<Mapped, Rejection> {
        let record = SourceRef::new(SourceKind::Organisation, organisation.id);
        self.map_organisation_raw(organisation)
            .map(|mapped| self.finished(record, mapped))
    }

    fn map_organisation_raw(&self, organisation: &Organisation) -> Result<Mapped, Rejection> {
        let record = SourceRef::new(SourceKind::Organisation, organisation.id);
        if organisation.deleted && self.spec.companies.skip_deleted {
            return Err(Rejection::new(
                record,
                ReasonCode::DeletedRecord,
                "the organisation is deleted in Vivantio and is not moved",
                "restore it in Vivantio or set companies.skip_deleted = false",
            ));
        }
        let mut gathered = Gathered::default();
        for (builtin, binding) in self.lookup.builtins(TargetModel::Company) {
            let raw = match builtin {
                BuiltinField::OrganisationReference => organisation.reference.clone(),
                BuiltinField::OrganisationNotes => organisation.notes.clone(),
                BuiltinField::OrganisationExternalKey => organisation.external_key.clone(),
                _ => None,
            };
            let raw = raw.map(serde_json::Value::String).unwrap_or_default();
            self.gather(&mut gathered, record, &binding.rule, None, &raw, |name| {
                RecordKey::attribute("company", name)
            });
        }
        self.gather_custom(
            &mut gathered,
            record,
            &organisation.custom_values,
            TargetModel::Company,
        );
        self.archive_as_findings(&mut gathered, record);
        let name = organisation.name.trim();
        let company = CompanyRecord {
            company_id: organisation.id.to_string(),
            name: if name.is_empty() {
                format!("Vivantio client {}", organisation.id)
            } else {
                name.to_string()
            },
            website: company_website(
                organisation.website.as_deref(),
                organisation.email_suffix.as_deref(),
                organisation.email.as_deref(),
                self.spec.companies.website_from_email_domain,
            ),
            remote_created_at: organisation.created_at.map(|at| at.to_unix(self.zone)),
            custom_attributes: gathered.values,
        };
        let operation = Operation::creating(
            Phase::Companies,
            RecordKey::company(organisation.id),
            DestinationOp::UpsertCompany(company),
        )
        .requiring(gathered.requires)
        .from_source(record);
        Ok(Mapped {
            operations: vec![operation],
            findings: gathered.findings,
        })
    }

    /// Converts the custom form values bound to `model` into `gathered`.
    pub(crate) fn gather_custom(
        &self,
        gathered: &mut Gathered,
        record: SourceRef,
        values: &[FieldValue],
        model: TargetModel,
    ) {
        let key_model = match model {
            TargetModel::Contact => "contact",
            _ => "company",
        };
        for value in values {
            let Some(bindings) = self.lookup.custom_bindings.get(&value.field_id) else {
                self.archive_unmapped(gathered, record, value);
                continue;
            };
            for binding in bindings
                .iter()
                .filter(|binding| binding.rule.model == model)
            {
                self.gather(
                    gathered,
                    record,
                    &binding.rule,
                    binding.field.as_ref(),
                    &value.value,
                    |name| RecordKey::attribute(key_model, name),
                );
            }
        }
    }
}
