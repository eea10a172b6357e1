//! The listing with lifecycle backups merged in: the store's own page query stays as it is (and
//! as fast), and the few lifecycle backups that match are slotted into listing order
//! (StartTime descending, then BackupId descending) around it.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::backup::SeedBackup;
use super::store::{Page, Query, Store, matches_common};

/// Listing order: StartTime descending, then BackupId descending (byte order).
fn order(a: &SeedBackup, b: &SeedBackup) -> Ordering {
    b.start_key()
        .cmp(a.start_key())
        .then_with(|| b.id_key().as_bytes().cmp(a.id_key().as_bytes()))
}

/// The page `query` asks for over the store's backups plus `extra` (lifecycle backups).
pub(crate) fn list<'s>(store: &'s Store, extra: Vec<SeedBackup>, query: &Query<'_>) -> Page<'s> {
    let mut extra: Vec<SeedBackup> = extra
        .into_iter()
        .filter(|b| matches_common(b, query))
        .collect();
    if extra.is_empty() {
        return store.list(query);
    }
    extra.sort_by(order);
    let k = extra.len() as u64;
    // A base item at index j lands at j + (extra items before it), so the page's base items
    // have j in [offset - k, offset + limit).
    let base_offset = query.offset.saturating_sub(k);
    let base_end = query.offset.saturating_add(query.limit);
    let base = store.list(&Query {
        offset: base_offset,
        limit: base_end - base_offset,
        ..*query
    });
    let page_range = query.offset..base_end;
    let fetched = base.items.len() as u64;
    let exhausted = base_offset + fetched >= base.total;
    // For each extra item, how many fetched base items come before it.
    let fetched_before: Vec<u64> = extra
        .iter()
        .map(|e| {
            base.items
                .iter()
                .filter(|b| order(b, e) == Ordering::Less)
                .count() as u64
        })
        .collect();
    let mut placed: Vec<(u64, Cow<'s, SeedBackup>)> = Vec::new();
    for (idx, item) in base.items.into_iter().enumerate() {
        let before = extra
            .iter()
            .filter(|e| order(e, &item) == Ordering::Less)
            .count() as u64;
        let position = base_offset + idx as u64 + before;
        if page_range.contains(&position) {
            placed.push((position, item));
        }
    }
    for (i, (item, m)) in extra.into_iter().zip(fetched_before).enumerate() {
        // Base items before this one are known exactly only when it falls inside the fetched
        // window (or the window reaches an end of the listing); otherwise it lies outside the
        // page anyway.
        let known = match m {
            0 if base_offset > 0 => None,
            m if m == fetched && !exhausted => None,
            m => Some(base_offset + m),
        };
        if let Some(base_before) = known {
            let position = i as u64 + base_before;
            if page_range.contains(&position) {
                placed.push((position, Cow::Owned(item)));
            }
        }
    }
    placed.sort_by_key(|(position, _)| *position);
    Page {
        total: base.total + k,
        items: placed.into_iter().map(|(_, item)| item).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::generate::Generated;
    use crate::data::seed::{Seed, SeedInstance};

    fn ids(page: &Page<'_>) -> Vec<String> {
        page.items
            .iter()
            .map(|b| b.backup_id.clone().unwrap())
            .collect()
    }

    /// Every page of the merged listing equals the same page of one sorted list.
    fn check_against_sorted(store: &Store, base_all: Vec<SeedBackup>, extra: Vec<SeedBackup>) {
        let mut everything: Vec<SeedBackup> = base_all.into_iter().chain(extra.clone()).collect();
        everything.sort_by(order);
        let expected: Vec<String> = everything
            .iter()
            .map(|b| b.backup_id.clone().unwrap())
            .collect();
        for limit in [1u64, 2, 3, 7, 100] {
            for offset in 0..(expected.len() as u64 + 2) {
                let page = list(
                    store,
                    extra.clone(),
                    &Query {
                        offset,
                        limit,
                        ..Query::default()
                    },
                );
                assert_eq!(page.total, expected.len() as u64);
                let want: Vec<String> = expected
                    .iter()
                    .skip(offset as usize)
                    .take(limit as usize)
                    .cloned()
                    .collect();
                assert_eq!(ids(&page), want, "offset {offset} limit {limit}");
            }
        }
    }

    #[test]
    fn extra_backups_interleave_in_listing_order_on_every_page() {
        let base: Vec<SeedBackup> = (0..9)
            .map(|i| SeedBackup::new(format!("b{i}"), format!("2026-01-0{} 00:00:00", i + 1)))
            .collect();
        let mut instance = SeedInstance::new("crs-1", "n", "ap-guangzhou");
        for b in &base {
            instance = instance.backup(b.clone());
        }
        let store = Store::from_seed(Seed::new().instance(instance));
        let base_all: Vec<SeedBackup> = store
            .list(&Query {
                limit: 100,
                ..Query::default()
            })
            .items
            .into_iter()
            .map(Cow::into_owned)
            .collect();
        let extra = |start: &str, id: &str| {
            let mut b = SeedBackup::new(id, start);
            b.instance_id = Some("crs-1".into());
            b.region = Some("ap-guangzhou".into());
            b
        };
        check_against_sorted(
            &store,
            base_all.clone(),
            vec![
                extra("2026-01-10 00:00:00", "x-newest"),
                extra("2026-01-05 12:00:00", "x-middle"),
                extra("2026-01-05 00:00:00", "x-tie"),
                extra("2025-12-31 00:00:00", "x-oldest"),
            ],
        );
        check_against_sorted(&store, base_all, vec![]);
    }

    #[test]
    fn generated_stores_merge_too() {
        let g = Generated::new(30, 2, 1_780_000_000);
        let store = Store::Generated(g.clone());
        let base_all: Vec<SeedBackup> = (0..30).map(|i| g.item(i)).collect();
        let mut newer = g.item(29);
        newer.backup_id = Some("zzz-lifecycle".into());
        newer.start_time =
            Some(tcredis_core::time::BeijingTime::from_unix(1_780_100_000).to_string());
        let mut older = g.item(3);
        older.backup_id = Some("zzz-old".into());
        check_against_sorted(&store, base_all, vec![newer, older]);
    }
}
