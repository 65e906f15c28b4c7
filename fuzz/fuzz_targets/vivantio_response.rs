//! Any bytes as a Vivantio answer: the envelope and every record type the migration reads must
//! decode or fail with an error, and a decoded record must convert into the core model.
#![no_main]

use libfuzzer_sys::fuzz_target;
use migration_cli::adapters::vivantio::convert;
use vivantio_client::actions::TicketAction;
use vivantio_client::articles::Article;
use vivantio_client::attachments::Attachment;
use vivantio_client::callers::Caller;
use vivantio_client::clients::Organisation;
use vivantio_client::custom_forms::CustomFormInstance;
use vivantio_client::ticket::Ticket;
use vivantio_client::{decode_item, decode_results, Error};

fuzz_target!(|body: &[u8]| {
    for ticket in decoded(decode_results::<Ticket>("Ticket/Select", body)) {
        let _ = convert::ticket(ticket);
    }
    let _ = decoded(decode_item::<Ticket>("Ticket/SelectById", body).map(Option::into_iter));
    let actions = decode_results::<TicketAction>("Ticket/ActionSelectByParentId", body);
    for action in decoded(actions) {
        let _ = convert::action(action, Vec::new());
    }
    for caller in decoded(decode_results::<Caller>("Caller/Select", body)) {
        let _ = convert::caller(caller, Vec::new());
    }
    for client in decoded(decode_results::<Organisation>("Client/Select", body)) {
        let _ = convert::organisation(client, Vec::new());
    }
    for article in decoded(decode_results::<Article>("Article/Select", body)) {
        let _ = convert::article(article);
    }
    let _ = decoded(decode_results::<Attachment>(
        "File/AttachmentSelectByParent",
        body,
    ));
    let forms = decoded(decode_results::<CustomFormInstance>(
        "Entity/SelectByParent",
        body,
    ));
    let _ = convert::form_values(forms);
});

/// The decoded records, or none when decoding failed; an error must render as text (its
/// excerpt of the body is cut on a character boundary).
fn decoded<T, I>(result: Result<I, Error>) -> Vec<T>
where
    I: IntoIterator<Item = T>,
{
    match result {
        Ok(records) => records.into_iter().collect(),
        Err(error) => {
            assert!(!error.to_string().is_empty());
            Vec::new()
        }
    }
}
