//! Name → id indexes of workspace objects (tags, attributes, ticket types), each read from
//! Intercom on first use and kept for the process.

use std::collections::HashMap;

use migration_core::PortError;
use tokio::sync::Mutex as AsyncMutex;

/// A name → id index of one kind of workspace object, loaded on first use.
pub(crate) type NameIndex = AsyncMutex<Option<HashMap<String, KnownObject>>>;

/// An object of the workspace found by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KnownObject {
    /// Its id.
    pub(crate) id: String,
    /// Whether it is archived.
    pub(crate) archived: bool,
}

/// Looks `name` up in `index`, loading it with `load` first if needed.
pub(crate) async fn find_in<F, Fut>(
    index: &NameIndex,
    name: &str,
    load: F,
) -> Result<Option<KnownObject>, PortError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<HashMap<String, KnownObject>, PortError>>,
{
    let mut guard = index.lock().await;
    if guard.is_none() {
        *guard = Some(load().await?);
    }
    Ok(guard.as_ref().and_then(|known| known.get(name).cloned()))
}

/// Records `name` in `index` (after a create or an unarchive); a no-op while unloaded.
pub(crate) async fn remember_in(index: &NameIndex, name: &str, object: KnownObject) {
    if let Some(known) = index.lock().await.as_mut() {
        known.insert(name.to_owned(), object);
    }
}

/// Fills `index` with `entries` unless it is loaded already.
pub(crate) async fn seed(
    index: &NameIndex,
    entries: impl IntoIterator<Item = (String, KnownObject)>,
) {
    let mut guard = index.lock().await;
    if guard.is_none() {
        *guard = Some(entries.into_iter().collect());
    }
}

/// Forgets everything in `index`, so the next lookup reads the workspace again.
pub(crate) async fn invalidate(index: &NameIndex) {
    *index.lock().await = None;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn indexes_load_once_and_learn_new_objects() {
        let index = NameIndex::default();
        let loads = std::sync::atomic::AtomicUsize::new(0);
        let load = || async {
            loads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok(HashMap::from([(
                "vip".to_string(),
                KnownObject {
                    id: "1".into(),
                    archived: false,
                },
            )]))
        };
        assert_eq!(find_in(&index, "vip", load).await.unwrap().unwrap().id, "1");
        assert!(find_in(&index, "new", load).await.unwrap().is_none());
        remember_in(
            &index,
            "new",
            KnownObject {
                id: "2".into(),
                archived: false,
            },
        )
        .await;
        assert_eq!(find_in(&index, "new", load).await.unwrap().unwrap().id, "2");
        assert_eq!(loads.load(std::sync::atomic::Ordering::SeqCst), 1);
        invalidate(&index).await;
        assert_eq!(find_in(&index, "vip", load).await.unwrap().unwrap().id, "1");
        assert_eq!(loads.load(std::sync::atomic::Ordering::SeqCst), 2);
    }
}
