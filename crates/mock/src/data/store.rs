//! The served data set and the `DescribeInstanceBackups` listing over it: filters, TotalCount,
//! and the page in listing order (StartTime descending, then BackupId descending).

use std::borrow::Cow;

use super::backup::SeedBackup;
use super::generate::{GENERATED_REGION, Generated};
use super::instance_fields::InstanceFields;
use super::seed::Seed;

/// One instance the store knows.
#[derive(Debug, Clone)]
pub(crate) struct StoredInstance {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) region: String,
    /// Its `DescribeInstances` fields.
    pub(crate) fields: InstanceFields,
}

/// The immutable data set.
#[derive(Debug)]
pub(crate) enum Store {
    /// Seeded or demo data, kept sorted in listing order.
    Stored {
        instances: Vec<StoredInstance>,
        backups: Vec<SeedBackup>,
    },
    /// Computed from the index.
    Generated(Generated),
}

/// A listing query, validated.
#[derive(Debug, Default)]
pub(crate) struct Query<'a> {
    pub(crate) instance_id: Option<&'a str>,
    /// `None` = every region.
    pub(crate) region: Option<&'a str>,
    pub(crate) instance_name: Option<&'a str>,
    /// BeginTime as given and as Unix seconds.
    pub(crate) begin: Option<(&'a str, i64)>,
    pub(crate) end: Option<(&'a str, i64)>,
    pub(crate) status: Option<&'a [i64]>,
    pub(crate) offset: u64,
    pub(crate) limit: u64,
}

/// A page of results.
#[derive(Debug)]
pub(crate) struct Page<'a> {
    pub(crate) total: u64,
    pub(crate) items: Vec<Cow<'a, SeedBackup>>,
}

impl Store {
    /// Builds the store from a seed: backups inherit their instance's ID, name and region, then
    /// are sorted in listing order.
    pub(crate) fn from_seed(seed: Seed) -> Self {
        let mut instances = Vec::new();
        let mut backups = Vec::new();
        for instance in seed.instances {
            for mut backup in instance.backups {
                backup
                    .instance_id
                    .get_or_insert_with(|| instance.instance_id.clone());
                backup
                    .instance_name
                    .get_or_insert_with(|| instance.instance_name.clone());
                backup.region.get_or_insert_with(|| instance.region.clone());
                backups.push(backup);
            }
            instances.push(StoredInstance {
                id: instance.instance_id,
                name: instance.instance_name,
                region: instance.region,
                fields: instance.fields,
            });
        }
        backups.sort_by(|a, b| {
            b.start_key()
                .cmp(a.start_key())
                .then_with(|| b.id_key().as_bytes().cmp(a.id_key().as_bytes()))
        });
        Store::Stored { instances, backups }
    }

    /// Number of backups held.
    pub(crate) fn len(&self) -> u64 {
        match self {
            Store::Stored { backups, .. } => backups.len() as u64,
            Store::Generated(g) => g.count(),
        }
    }

    /// Whether `instance_id` exists in `region` (`None` = any region).
    pub(crate) fn instance_exists(&self, instance_id: &str, region: Option<&str>) -> bool {
        match self {
            Store::Stored { instances, .. } => instances
                .iter()
                .any(|i| i.id == instance_id && region.is_none_or(|r| r == i.region)),
            Store::Generated(g) => {
                g.instance_index(instance_id).is_some()
                    && region.is_none_or(|r| r == GENERATED_REGION)
            }
        }
    }

    /// Runs a listing query.
    pub(crate) fn list<'s>(&'s self, query: &Query<'_>) -> Page<'s> {
        match self {
            Store::Stored { backups, .. } => list_stored(backups, query),
            Store::Generated(g) => list_generated(g, query),
        }
    }
}

pub(crate) fn matches_common(backup: &SeedBackup, query: &Query<'_>) -> bool {
    if let Some(id) = query.instance_id
        && backup.instance_id.as_deref() != Some(id)
    {
        return false;
    }
    if let Some(region) = query.region
        && backup.region.as_deref() != Some(region)
    {
        return false;
    }
    if let Some(name) = query.instance_name
        && !backup.instance_name.as_deref().unwrap_or("").contains(name)
    {
        return false;
    }
    if let Some((begin, _)) = query.begin
        && backup.start_key() < begin
    {
        return false;
    }
    if let Some((end, _)) = query.end
        && backup.start_key() > end
    {
        return false;
    }
    if let Some(statuses) = query.status
        && !backup.status.is_some_and(|s| statuses.contains(&s))
    {
        return false;
    }
    true
}

fn list_stored<'s>(backups: &'s [SeedBackup], query: &Query<'_>) -> Page<'s> {
    let mut total = 0u64;
    let mut items = Vec::new();
    for backup in backups.iter().filter(|b| matches_common(b, query)) {
        if total >= query.offset && (items.len() as u64) < query.limit {
            items.push(Cow::Borrowed(backup));
        }
        total += 1;
    }
    Page { total, items }
}

fn list_generated<'s>(g: &'s Generated, query: &Query<'_>) -> Page<'s> {
    let empty = Page {
        total: 0,
        items: Vec::new(),
    };
    if query.region.is_some_and(|r| r != GENERATED_REGION) || g.count() == 0 {
        return empty;
    }
    // Which instances qualify: one (InstanceId), those whose name matches, or all.
    let residue = match query.instance_id {
        Some(id) => match g.instance_index(id) {
            Some(k) => Some(k),
            None => return empty,
        },
        None => None,
    };
    let name_ok = |k: u64| {
        query
            .instance_name
            .is_none_or(|n| Generated::instance_name(k).contains(n))
    };
    if let Some(k) = residue
        && !name_ok(k)
    {
        return empty;
    }
    // The index range from the time window (StartTime grows with the index).
    let lo = query.begin.map_or(0, |(_, unix)| g.first_at_or_after(unix));
    let hi = match query.end {
        Some((_, unix)) => match g.last_at_or_before(unix) {
            Some(hi) => hi,
            None => return empty,
        },
        None => g.count() - 1,
    };
    if lo > hi {
        return empty;
    }
    let stride = if residue.is_some() {
        g.instance_count()
    } else {
        1
    };
    // The newest candidate index.
    let top = match residue {
        Some(k) => {
            let back = (hi + g.instance_count() - k % g.instance_count()) % g.instance_count();
            match hi.checked_sub(back) {
                Some(top) if top >= lo => top,
                _ => return empty,
            }
        }
        None => hi,
    };
    let fast = query.status.is_none() && (residue.is_some() || query.instance_name.is_none());
    if fast {
        let total = (top - lo) / stride + 1;
        let items = (query.offset..total.min(query.offset.saturating_add(query.limit)))
            .map(|j| g.item_cow(top - j * stride))
            .collect();
        return Page { total, items };
    }
    let mut total = 0u64;
    let mut items = Vec::new();
    let mut i = top;
    loop {
        let status_ok = query.status.is_none_or(|s| s.contains(&g.status_of(i)));
        if status_ok && name_ok(i % g.instance_count()) {
            if total >= query.offset && (items.len() as u64) < query.limit {
                items.push(g.item_cow(i));
            }
            total += 1;
        }
        match i.checked_sub(stride) {
            Some(next) if next >= lo => i = next,
            _ => break,
        }
    }
    Page { total, items }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::seed::SeedInstance;

    fn ids(page: &Page<'_>) -> Vec<String> {
        page.items
            .iter()
            .map(|b| b.backup_id.clone().unwrap())
            .collect()
    }

    #[test]
    fn stored_listing_orders_by_start_then_id_descending_and_pages() {
        let seed = Seed::new()
            .instance(
                SeedInstance::new("crs-1", "alpha", "ap-guangzhou")
                    .backup(SeedBackup::new("a", "2026-01-01 00:00:00").status(2))
                    .backup(SeedBackup::new("c", "2026-01-02 00:00:00").status(2))
                    .backup(SeedBackup::new("b", "2026-01-02 00:00:00").status(-1)),
            )
            .instance(
                SeedInstance::new("crs-2", "beta", "ap-shanghai")
                    .backup(SeedBackup::new("z", "2025-12-31 00:00:00")),
            );
        let store = Store::from_seed(seed);
        let all = store.list(&Query {
            limit: 20,
            ..Query::default()
        });
        assert_eq!(ids(&all), ["c", "b", "a", "z"]);
        assert_eq!(all.total, 4);
        let page = store.list(&Query {
            offset: 1,
            limit: 2,
            ..Query::default()
        });
        assert_eq!(
            (ids(&page), page.total),
            (vec!["b".to_owned(), "a".to_owned()], 4)
        );
        let filtered = store.list(&Query {
            status: Some(&[2]),
            region: Some("ap-guangzhou"),
            limit: 20,
            ..Query::default()
        });
        assert_eq!(ids(&filtered), ["c", "a"]);
        let window = store.list(&Query {
            begin: Some(("2026-01-01 00:00:00", 0)),
            end: Some(("2026-01-01 00:00:00", 0)),
            limit: 20,
            ..Query::default()
        });
        assert_eq!(ids(&window), ["a"], "the window is inclusive on both ends");
        assert_eq!(
            store
                .list(&Query {
                    instance_name: Some("et"),
                    limit: 20,
                    ..Query::default()
                })
                .total,
            1
        );
        assert!(store.instance_exists("crs-2", None));
        assert!(!store.instance_exists("crs-2", Some("ap-guangzhou")));
    }

    #[test]
    fn generated_fast_path_agrees_with_the_scan() {
        let g = Generated::new(1_003, 4, 1_780_000_000);
        let store = Store::Generated(g.clone());
        let begin = g.start_of(100);
        let end = g.start_of(900) + 30;
        for instance in [None, Some("crs-gen00002")] {
            for offset in [0, 7, 199, 250] {
                let fast = store.list(&Query {
                    instance_id: instance,
                    begin: Some(("", begin)),
                    end: Some(("", end)),
                    offset,
                    limit: 13,
                    ..Query::default()
                });
                // Every status listed forces the scanning path with the same result.
                let scan = store.list(&Query {
                    instance_id: instance,
                    begin: Some(("", begin)),
                    end: Some(("", end)),
                    status: Some(&[1, 2, 3, 4, -1, -2]),
                    offset,
                    limit: 13,
                    ..Query::default()
                });
                assert_eq!(ids(&fast), ids(&scan), "{instance:?} {offset}");
                assert_eq!(fast.total, scan.total);
            }
        }
        let one = store.list(&Query {
            instance_id: Some("crs-gen00002"),
            limit: 100,
            ..Query::default()
        });
        assert_eq!(one.total, 251);
        assert!(
            one.items
                .iter()
                .all(|b| b.instance_id.as_deref() == Some("crs-gen00002"))
        );
        let starts: Vec<&str> = one.items.iter().map(|b| b.start_key()).collect();
        assert!(starts.windows(2).all(|w| w[0] > w[1]));
    }

    #[test]
    fn a_million_generated_backups_page_quickly_from_the_end() {
        let store = Store::Generated(Generated::new(1_000_000, 1, 1_780_000_000));
        let page = store.list(&Query {
            offset: 999_900,
            limit: 100,
            ..Query::default()
        });
        assert_eq!(page.total, 1_000_000);
        assert_eq!(page.items.len(), 100);
        assert_eq!(
            page.items.last().unwrap().backup_id.as_deref(),
            Some("0000000000-gen-00001")
        );
    }
}
