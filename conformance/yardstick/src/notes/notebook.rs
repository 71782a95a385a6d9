//! The notes API's state: every note of every tenant in one map, numbered in creation order
//! (`note_<number>`), each knowing its tenant.

use std::collections::BTreeMap;

use crate::timestamp;

/// A stored note.
#[derive(Debug, Clone)]
pub(crate) struct Note {
    pub number: u64,
    /// Index of the tenant's key in [`super::KEYS`].
    pub tenant: usize,
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
    pub status: String,
    /// Seconds since the epoch.
    pub created_at: u64,
    /// Seconds since the epoch; `None` only under a fault.
    pub updated_at: Option<u64>,
}

#[derive(Debug)]
pub(crate) struct Notebook {
    notes: BTreeMap<u64, Note>,
    last: u64,
}

impl Notebook {
    /// Three notes of the first tenant and two of the second, so that lists have pages.
    pub(crate) fn seeded() -> Self {
        let mut store = Self {
            notes: BTreeMap::new(),
            last: 0,
        };
        let now = timestamp::now();
        for (tenant, title) in [
            (0, "Groceries"),
            (0, "Call the plumber"),
            (0, "Ideas for the garden"),
            (1, "Quarterly report"),
            (1, "Travel checklist"),
        ] {
            let number = store.next_number();
            store.insert(Note {
                number,
                tenant,
                title: title.to_owned(),
                body: String::new(),
                tags: Vec::new(),
                status: "draft".to_owned(),
                created_at: now,
                updated_at: Some(now),
            });
        }
        store
    }

    /// The number of the next note.
    pub(crate) fn next_number(&mut self) -> u64 {
        self.last += 1;
        self.last
    }

    pub(crate) fn insert(&mut self, note: Note) {
        self.notes.insert(note.number, note);
    }

    /// Note `number` when `tenant` owns it (any tenant's when `tenant` is `None`).
    pub(crate) fn find(&self, number: u64, tenant: Option<usize>) -> Option<&Note> {
        self.notes
            .get(&number)
            .filter(|note| tenant.is_none_or(|t| note.tenant == t))
    }

    pub(crate) fn remove(&mut self, number: u64) {
        self.notes.remove(&number);
    }

    /// Up to `limit` of `tenant`'s notes numbered after `after` (from `after` on, when
    /// `inclusive`), and the number the next page starts after, when a further note exists.
    pub(crate) fn page(
        &self,
        tenant: usize,
        after: u64,
        inclusive: bool,
        limit: usize,
    ) -> (Vec<&Note>, Option<u64>) {
        let start = if inclusive { after } else { after + 1 };
        let mut rest = self
            .notes
            .range(start..)
            .map(|(_, note)| note)
            .filter(|note| note.tenant == tenant);
        let page: Vec<&Note> = rest.by_ref().take(limit).collect();
        let next = match (page.last(), rest.next()) {
            (Some(last), Some(_)) => Some(last.number),
            _ => None,
        };
        (page, next)
    }
}
